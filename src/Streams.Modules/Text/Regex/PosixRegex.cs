using System.Diagnostics;
using System.Text.RegularExpressions;
using DotNetRegex = System.Text.RegularExpressions.Regex;

namespace Streams.Modules.Text.Regex;

/// <summary>What must surround a match (grep -w / -x).</summary>
internal enum MatchShape
{
    /// <summary>Anywhere.</summary>
    Anywhere,

    /// <summary>Not preceded nor followed by a word char (grep -w).</summary>
    Word,

    /// <summary>The whole line (grep -x).</summary>
    Line,
}

/// <summary>A GNU regular expression (or several, any of which may match) compiled for POSIX matching over
/// Latin-1 text, in time linear in the text unless it has back-references.</summary>
/// <remarks>
/// <para>Engines, by pattern:</para>
/// <list type="bullet">
/// <item>A fixed length (no alternation, no variable repetition): .NET's backtracking engine, which is linear
/// here since each part of the pattern can match in one way only, and whose leftmost-first match is then the
/// leftmost-longest one.</item>
/// <item>Otherwise a <see cref="PikeProgram"/> finds the leftmost-longest match and its submatches in one pass,
/// O(text × pattern): backtracking takes exponential time on nested repetitions such as <c>(a*)*b</c> over a
/// line of <c>a</c>s. Before it, a DFA (.NET's <see cref="RegexOptions.NonBacktracking"/> engine, also linear
/// and much faster per char) rules out lines without a match, on a relaxed pattern without word assertions
/// (<see cref="DotNetTranslator"/>); where that is the exact pattern, it alone selects lines.</item>
/// <item>Back-references (or an NFA too big to build): the same DFA filter, with any text for a back-reference,
/// then .NET's backtracking engine, leftmost-first (there the match may be shorter than GNU's) and exponential in
/// the worst case, as matching with back-references is in general (glibc's matcher too).</item>
/// </list>
/// <para>Thread-safety: safe for concurrent use (grep -c counts the parts of a big file on several threads): a
/// Pike runner, which is not, is taken by one call at a time and another made when it is in use.</para>
/// </remarks>
internal sealed class PosixRegex
{
    private const RegexOptions BacktrackingOptions = RegexOptions.CultureInvariant | RegexOptions.Compiled;

    private readonly DotNetRegex? _regex;
    private readonly DotNetRegex? _filter;
    private readonly bool _filterExact;
    private readonly PikeProgram? _program;
    private PikeRunner? _spare;

    private PosixRegex(DotNetRegex? regex, DotNetRegex? filter, bool filterExact, PikeProgram? program, int groupCount, string dotNetPattern)
    {
        Debug.Assert((regex is null) != (program is null), "either backtracking or the Pike VM");
        Debug.Assert(filter is not null || !filterExact, "an exact filter exists");
        _regex = regex;
        _filter = filter;
        _filterExact = filterExact;
        _program = program;
        GroupCount = groupCount;
        DotNetPattern = dotNetPattern;
    }

    /// <summary>The number of capturing groups.</summary>
    public int GroupCount { get; }

    /// <summary>The translated .NET pattern (for diagnostics and tests).</summary>
    public string DotNetPattern { get; }

    /// <summary>Compiles <paramref name="patterns"/> (each one char per byte); a line matches when any does.</summary>
    /// <exception cref="PosixRegexException">A pattern is invalid; the message is GNU's.</exception>
    public static PosixRegex Create(IReadOnlyList<string> patterns, PosixSyntax syntax, MatchShape shape = MatchShape.Anywhere)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var branches = new List<PosixNode>(patterns.Count);
        int groups = 0;
        bool variable = patterns.Count > 1;
        bool backReferences = false;
        foreach (string pattern in patterns)
        {
            (PosixNode root, PosixParser info) = PosixParser.Parse(pattern, syntax, groups);
            groups += info.GroupCount;
            variable |= info.VariableLength;
            backReferences |= info.HasBackReferences;
            branches.Add(root);
        }

        PosixNode node = branches.Count == 1 ? branches[0] : new AlternationNode(branches);
        if (shape != MatchShape.Anywhere)
        {
            bool word = shape == MatchShape.Word;
            node = new ConcatNode(
            [
                new AssertNode(word ? AssertKind.NoWordBefore : AssertKind.Start),
                node is AlternationNode ? new ConcatNode([node]) : node,
                new AssertNode(word ? AssertKind.NoWordAfter : AssertKind.End),
            ]);
        }

        string dotNet = DotNetTranslator.Translate(node);
        if (!variable)
        {
            return new PosixRegex(new DotNetRegex(dotNet, BacktrackingOptions), null, false, null, groups, dotNet);
        }

        string relaxed = DotNetTranslator.Translate(node, relaxed: true);
        DotNetRegex? filter = TryNonBacktracking(relaxed);
        bool exact = filter is not null && relaxed == dotNet;
        PikeProgram? program = backReferences ? null : PikeProgram.TryCompile(node, groups);
        return program is null
            ? new PosixRegex(new DotNetRegex(dotNet, BacktrackingOptions), filter, exact, null, groups, dotNet)
            : new PosixRegex(null, filter, exact, program, groups, dotNet);
    }

    /// <summary>The most one search of a <see cref="CreatePerl"/> pattern may take before it fails with
    /// <see cref="RegexMatchTimeoutException"/> (PCRE's backtracking limit, measured in time here).</summary>
    public static readonly TimeSpan PerlTimeout = TimeSpan.FromSeconds(5);

    /// <summary><c>grep -P</c>: one Perl-style pattern on .NET's backtracking engine, which like PCRE takes the
    /// leftmost match a backtracking search finds first; in ECMAScript mode, so that <c>\w</c>, <c>\d</c>,
    /// <c>\s</c> and <c>\b</c> are ASCII as in PCRE under the C locale. <c>-w</c> and <c>-x</c> wrap it as GNU grep
    /// does.</summary>
    /// <exception cref="PosixRegexException">The pattern is not valid (the message is PCRE's where it is known).</exception>
    public static PosixRegex CreatePerl(string pattern, bool ignoreCase, MatchShape shape)
    {
        pattern = WithAsciiClasses(pattern);
        string wrapped = shape switch
        {
            MatchShape.Word => $"(?<!\\w)(?:{pattern})(?!\\w)",
            MatchShape.Line => $"^(?:{pattern})$",
            _ => pattern,
        };
        try
        {
            var regex = new DotNetRegex(wrapped, RegexOptions.ECMAScript | (ignoreCase ? RegexOptions.IgnoreCase : 0), PerlTimeout);
            return new PosixRegex(regex, null, false, null, regex.GetGroupNumbers().Length - 1, wrapped);
        }
        catch (RegexParseException ex)
        {
            throw new PosixRegexException(ex.Error switch
            {
                RegexParseError.InsufficientClosingParentheses => "missing closing parenthesis",
                RegexParseError.InsufficientOpeningParentheses => "unmatched closing parenthesis",
                RegexParseError.UnterminatedBracket => "missing terminating ] for character class",
                RegexParseError.QuantifierAfterNothing => "quantifier does not follow a repeatable item",
                RegexParseError.UnescapedEndingBackslash => "\\ at end of pattern",
                RegexParseError.ReversedCharacterRange => "range out of order in character class",
                RegexParseError.ReversedQuantifierRange => "numbers out of order in {} quantifier",
                _ => ex.Message,
            });
        }
        catch (ArgumentException ex)
        {
            // A construct .NET does not take in ECMAScript mode.
            throw new PosixRegexException(ex.Message);
        }
    }

    // PCRE's POSIX classes inside a bracket expression ([[:alpha:]_]), which .NET lacks, as the C locale's ASCII
    // ranges; everything else is left as it is.
    private static string WithAsciiClasses(string pattern)
    {
        if (!pattern.Contains("[:", StringComparison.Ordinal))
        {
            return pattern;
        }

        var text = new System.Text.StringBuilder(pattern.Length + 32);
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                text.Append(c).Append(pattern[++i]);
                continue;
            }

            if (!inClass)
            {
                if (c == '[')
                {
                    // A ']' right after '[' or '[^' is a member, not the end.
                    inClass = true;
                    text.Append(c);
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        text.Append(pattern[++i]);
                    }

                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        text.Append("\\]");
                        i++;
                    }

                    continue;
                }

                text.Append(c);
                continue;
            }

            int end = c == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':' ? pattern.IndexOf(":]", i + 2, StringComparison.Ordinal) : -1;
            string? ranges = end < 0 ? null : pattern[(i + 2)..end] switch
            {
                "alpha" => "a-zA-Z",
                "digit" => "0-9",
                "alnum" => "a-zA-Z0-9",
                "upper" => "A-Z",
                "lower" => "a-z",
                "space" => "\\t\\n\\x0B\\f\\r ",
                "blank" => " \\t",
                "punct" => "!-/:-@\\[-`{-~",
                "xdigit" => "0-9A-Fa-f",
                "cntrl" => "\\x00-\\x1F\\x7F",
                "graph" => "!-~",
                "print" => " -~",
                "word" => "a-zA-Z0-9_",
                _ => null,
            };
            if (ranges is not null)
            {
                text.Append(ranges);
                i = end + 1;
                continue;
            }

            inClass = c != ']';
            text.Append(c);
        }

        return text.ToString();
    }

    /// <summary>Whether the pattern matches somewhere in <paramref name="text"/>.</summary>
    public bool IsMatch(ReadOnlySpan<char> text)
    {
        if (_filter is not null && !_filter.IsMatch(text))
        {
            return false;
        }

        return _filterExact || (_regex?.IsMatch(text) ?? Search(text, 0, [], any: true));
    }

    /// <summary>Finds the leftmost-longest match that starts at or after <paramref name="startAt"/>
    /// (assertions still see the text before it) and writes the whole match and the groups to
    /// <paramref name="captures"/> as start/end pairs (-1 for a group that did not take part).</summary>
    /// <param name="text">The whole line or pattern space.</param>
    /// <param name="startAt">Where the search starts.</param>
    /// <param name="captures">At least 2 × (<see cref="GroupCount"/> + 1) ints.</param>
    public bool Match(string text, int startAt, Span<int> captures)
    {
        // The DFA rules out a line without a match faster than the other engines (sed tries s/// on every line).
        if (_filter is not null && !_filter.IsMatch(text, startAt))
        {
            return false;
        }

        if (_program is not null)
        {
            return Search(text, startAt, captures, any: false);
        }

        System.Text.RegularExpressions.Match m = _regex!.Match(text, startAt);
        if (!m.Success)
        {
            return false;
        }

        int n = Math.Min(captures.Length / 2, GroupCount + 1);
        for (int g = 0; g < n; g++)
        {
            Group group = m.Groups[g];
            captures[2 * g] = group.Success ? group.Index : -1;
            captures[(2 * g) + 1] = group.Success ? group.Index + group.Length : -1;
        }

        return true;
    }

    private bool Search(ReadOnlySpan<char> text, int startAt, Span<int> captures, bool any)
    {
        PikeRunner runner = Interlocked.Exchange(ref _spare, null) ?? new PikeRunner(_program!);
        bool found = runner.Search(text, startAt, captures, any);
        _spare = runner;
        return found;
    }

    /// <summary>.NET's non-backtracking engine for <paramref name="dotNet"/>, or null where it does not support
    /// the pattern (lookarounds, or too big once counted repetitions are expanded).</summary>
    private static DotNetRegex? TryNonBacktracking(string dotNet)
    {
        try
        {
            return new DotNetRegex(dotNet, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
}
