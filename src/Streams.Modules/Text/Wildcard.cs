namespace Streams.Modules.Text;

/// <summary>Wildcard matching as <c>fnmatch(3)</c> without flags in the C locale: <c>*</c>, <c>?</c>, bracket
/// expressions (<c>[a-z]</c>, <c>[!…]</c> or <c>[^…]</c>, <c>[:alpha:]</c> and the other POSIX classes) and a
/// backslash that makes the next character literal. The shell's pathname expansion matches each path segment with
/// it, and <c>grep --include</c>, <c>--exclude</c> and <c>--exclude-dir</c> match names.</summary>
/// <remarks>No character is special to it but those: <c>*</c> matches <c>/</c> and a leading <c>.</c> (the shell
/// applies its own rule for dot files before it asks). An unclosed <c>[</c> is a literal. Matching takes
/// O(pattern × name) steps, never exponentially.</remarks>
public static class Wildcard
{
    /// <summary>Whether <paramref name="name"/> matches <paramref name="pattern"/> as a whole.</summary>
    /// <param name="pattern">The wildcard pattern.</param>
    /// <param name="name">The text to match; a <c>/</c> or a leading <c>.</c> in it is an ordinary character.</param>
    public static bool IsMatch(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return Match(pattern, 0, name, 0);
    }

    // Iterative: a '*' remembers where it stood, and a mismatch later goes back to it with one more character
    // eaten; only the last '*' is ever retried (what a later '*' can match, an earlier one need not), so a name is
    // matched in O(pattern × name) steps, never exponentially.
    private static bool Match(string p, int pi, string s, int si)
    {
        int starP = -1;
        int starS = 0;
        while (si < s.Length || pi < p.Length)
        {
            if (pi < p.Length)
            {
                char c = p[pi];
                if (c == '*')
                {
                    while (pi < p.Length && p[pi] == '*')
                    {
                        pi++;
                    }

                    if (pi == p.Length)
                    {
                        return true;
                    }

                    (starP, starS) = (pi, si);
                    continue;
                }

                if (si < s.Length && MatchOne(p, pi, s[si], out int next))
                {
                    pi = next;
                    si++;
                    continue;
                }
            }

            if (starP < 0 || starS >= s.Length)
            {
                return false;
            }

            // Back to the last '*', which now takes one more character.
            starS++;
            (pi, si) = (starP, starS);
        }

        return true;
    }

    // Whether the pattern element at pi (not a '*') matches ch; next is where the following element starts.
    private static bool MatchOne(string p, int pi, char ch, out int next)
    {
        char c = p[pi];
        if (c == '?')
        {
            next = pi + 1;
            return true;
        }

        if (c == '[' && TryClass(p, pi, ch, out int end, out bool matched))
        {
            next = end;
            return matched;
        }

        if (c == '\\' && pi + 1 < p.Length)
        {
            pi++;
            c = p[pi];
        }

        next = pi + 1;
        return c == ch;
    }

    // Whether ch is in the named POSIX class (C locale); null for a name that is not a class.
    private static bool? IsInClass(string name, char ch) => name switch
    {
        "alpha" => char.IsAsciiLetter(ch),
        "digit" => char.IsAsciiDigit(ch),
        "alnum" => char.IsAsciiLetterOrDigit(ch),
        "upper" => char.IsAsciiLetterUpper(ch),
        "lower" => char.IsAsciiLetterLower(ch),
        "space" => ch is ' ' or '\t' or '\n' or '\v' or '\f' or '\r',
        "blank" => ch is ' ' or '\t',
        "punct" => ch is > ' ' and < '\x7f' && !char.IsAsciiLetterOrDigit(ch),
        "print" => ch is >= ' ' and < '\x7f',
        "graph" => ch is > ' ' and < '\x7f',
        "cntrl" => ch is < ' ' or '\x7f',
        "xdigit" => char.IsAsciiHexDigit(ch),
        _ => null,
    };

    /// <summary>Matches a bracket expression at <paramref name="start"/>; false when it is not one (an
    /// unclosed <c>[</c> is a literal).</summary>
    private static bool TryClass(string p, int start, char ch, out int end, out bool matched)
    {
        int i = start + 1;
        bool negate = false;
        if (i < p.Length && p[i] is '!' or '^')
        {
            negate = true;
            i++;
        }

        bool any = false;
        bool first = true;
        while (i < p.Length && (p[i] != ']' || first))
        {
            first = false;
            if (p[i] == '[' && i + 1 < p.Length && p[i + 1] == ':' && p.IndexOf(":]", i + 2, StringComparison.Ordinal) is int close and > 0
                && IsInClass(p[(i + 2)..close], ch) is { } inClass)
            {
                // [:alpha:] and the other POSIX classes of the C locale.
                any |= inClass;
                i = close + 2;
                continue;
            }

            char lo = p[i];
            if (lo == '\\' && i + 1 < p.Length)
            {
                lo = p[++i];
            }

            i++;
            char hi = lo;
            if (i + 1 < p.Length && p[i] == '-' && p[i + 1] != ']')
            {
                hi = p[i + 1];
                if (hi == '\\' && i + 2 < p.Length)
                {
                    hi = p[i + 2];
                    i++;
                }

                i += 2;
            }

            if (ch >= lo && ch <= hi)
            {
                any = true;
            }
        }

        if (i >= p.Length)
        {
            end = start;
            matched = false;
            return false;
        }

        end = i + 1;
        matched = any != negate;
        return true;
    }
}
