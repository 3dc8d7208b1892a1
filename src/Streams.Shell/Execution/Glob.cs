namespace Streams.Shell.Execution;

/// <summary>Pathname expansion: <c>*</c>, <c>?</c> and <c>[…]</c> (with <c>!</c> or <c>^</c> to negate and
/// <c>a-z</c> ranges), matched per path segment, results sorted by ordinal (the C locale's byte order).</summary>
/// <remarks>A backslash in a pattern makes the next character literal (the expander escapes quoted and expanded
/// text that way). Names starting with a dot match only a pattern starting with a dot, and <c>.</c> and
/// <c>..</c> never match a wildcard, as in bash.</remarks>
internal static class Glob
{
    /// <summary>The paths that match <paramref name="pattern"/> (relative ones against
    /// <paramref name="workingDirectory"/> but returned relative), or an empty list.</summary>
    public static List<string> Expand(string pattern, string workingDirectory)
    {
        // The slashes are kept as written ("dir//*" gives "dir//x"), as in bash.
        (string leading, List<(string Segment, string Slashes)> segments) = SplitSegments(pattern);

        // "*/" matches directories only, and keeps the slash (bash).
        bool directoriesOnly = pattern.EndsWith('/') && !pattern.EndsWith("\\/", StringComparison.Ordinal);
        var current = new List<string> { leading };
        for (int s = 0; s < segments.Count; s++)
        {
            (string segment, string slashes) = segments[s];
            bool last = s == segments.Count - 1 && !directoriesOnly;

            // A trailing run of slashes ("d*//") leaves one, as in bash.
            slashes = s == segments.Count - 1 ? "/" : slashes;
            var next = new List<string>();
            foreach (string prefix in current)
            {
                if (!HasWildcard(segment))
                {
                    string name = Unescape(segment);
                    string candidate = prefix + name;
                    string full = Path.Combine(workingDirectory, candidate.Length == 0 ? "." : candidate);
                    if (last ? Path.Exists(full) : Directory.Exists(full))
                    {
                        next.Add(last ? candidate : candidate + slashes);
                    }

                    continue;
                }

                string directory = Path.Combine(workingDirectory, prefix.Length == 0 ? "." : prefix);
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                IEnumerable<string> entries;
                try
                {
                    entries = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName)!;
                    entries = entries.ToList();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    continue;
                }

                foreach (string entry in entries)
                {
                    if (entry.StartsWith('.') && !segment.StartsWith('.'))
                    {
                        continue;
                    }

                    if (Match(segment, entry))
                    {
                        string candidate = prefix + entry;
                        if (last)
                        {
                            next.Add(candidate);
                        }
                        else if (Directory.Exists(Path.Combine(workingDirectory, candidate)))
                        {
                            next.Add(candidate + slashes);
                        }
                    }
                }
            }

            current = next;
            if (current.Count == 0)
            {
                break;
            }
        }

        current.Sort(StringComparer.Ordinal);
        return current;
    }

    /// <summary>The slashes that start <paramref name="pattern"/> (an absolute one), then each segment with the
    /// slashes that follow it (empty after the last, unless the pattern ends in a slash).</summary>
    private static (string Leading, List<(string Segment, string Slashes)> Segments) SplitSegments(string pattern)
    {
        int start = 0;
        while (start < pattern.Length && pattern[start] == '/')
        {
            start++;
        }

        string leading = pattern[..start];
        var segments = new List<(string, string)>();
        for (int i = start; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
                continue;
            }

            if (pattern[i] == '/')
            {
                int end = i;
                while (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                }

                segments.Add((pattern[start..end], pattern[end..(i + 1)]));
                start = i + 1;
            }
        }

        if (start < pattern.Length)
        {
            segments.Add((pattern[start..], ""));
        }

        return (leading, segments);
    }

    private static bool HasWildcard(string segment)
    {
        for (int i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '\\')
            {
                i++;
            }
            else if (segment[i] is '*' or '?' or '[')
            {
                return true;
            }
        }

        return false;
    }

    private static string Unescape(string segment)
    {
        var text = new System.Text.StringBuilder(segment.Length);
        for (int i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '\\' && i + 1 < segment.Length)
            {
                i++;
            }

            text.Append(segment[i]);
        }

        return text.ToString();
    }

    /// <summary>Whether <paramref name="name"/> matches the one-segment <paramref name="pattern"/>.</summary>
    public static bool Match(string pattern, string name) => Match(pattern, 0, name, 0);

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
