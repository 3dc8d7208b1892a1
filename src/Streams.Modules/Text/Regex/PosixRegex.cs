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
/// Latin-1 text: .NET's engine finds whether and where (leftmost start) it matches, a <see cref="PikeProgram"/>
/// extends the match to the longest one.</summary>
/// <remarks>
/// <para>Approach to leftmost-longest: a backtracking engine that tries start positions in order finds the
/// leftmost start at which any match exists, which is POSIX's start; only the end may differ (it picks the first
/// alternative, and the greedy choice of an early quantifier can make the whole match shorter, as with
/// <c>a*(ab)*</c> on <c>aabab</c>). When the pattern can match strings of different lengths, a Pike VM run anchored
/// at that start finds the longest end in one linear pass. Patterns with back-references keep .NET's match.</para>
/// <para>Line selection (<see cref="IsMatch"/>) needs no longest match and uses .NET alone, over spans.</para>
/// <para>Thread-safety: not thread-safe (the Pike runner is reused); create one per command.</para>
/// </remarks>
internal sealed class PosixRegex
{
    private readonly DotNetRegex _regex;
    private readonly PikeRunner? _pike;

    private PosixRegex(DotNetRegex regex, PikeRunner? pike, int groupCount, string dotNetPattern)
    {
        _regex = regex;
        _pike = pike;
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
        foreach (string pattern in patterns)
        {
            (PosixNode root, PosixParser info) = PosixParser.Parse(pattern, syntax, groups);
            groups += info.GroupCount;
            variable |= info.VariableLength;
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
        var regex = new DotNetRegex(dotNet, RegexOptions.CultureInvariant | RegexOptions.Compiled);
        PikeProgram? program = variable ? PikeProgram.TryCompile(node, groups) : null;
        return new PosixRegex(regex, program is null ? null : new PikeRunner(program), groups, dotNet);
    }

    /// <summary>Whether the pattern matches somewhere in <paramref name="text"/>.</summary>
    public bool IsMatch(ReadOnlySpan<char> text) => _regex.IsMatch(text);

    /// <summary>Finds the leftmost-longest match that starts at or after <paramref name="startAt"/>
    /// (assertions still see the text before it) and writes the whole match and the groups to
    /// <paramref name="captures"/> as start/end pairs (-1 for a group that did not take part).</summary>
    /// <param name="text">The whole line or pattern space.</param>
    /// <param name="startAt">Where the search starts.</param>
    /// <param name="captures">At least 2 × (<see cref="GroupCount"/> + 1) ints.</param>
    public bool Match(string text, int startAt, Span<int> captures)
    {
        System.Text.RegularExpressions.Match m = _regex.Match(text, startAt);
        if (!m.Success)
        {
            return false;
        }

        if (_pike is not null && _pike.Run(text, m.Index, captures))
        {
            return true;
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
}
