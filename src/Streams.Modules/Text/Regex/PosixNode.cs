namespace Streams.Modules.Text.Regex;

/// <summary>A node of a parsed POSIX regular expression.</summary>
internal abstract class PosixNode
{
}

/// <summary>One byte out of a set: a literal, a bracket expression, <c>.</c>, <c>\w</c> …</summary>
internal sealed class SetNode(ByteSet set) : PosixNode
{
    /// <summary>The accepted bytes.</summary>
    public ByteSet Set { get; } = set;
}

/// <summary>A sequence.</summary>
internal sealed class ConcatNode(List<PosixNode> items) : PosixNode
{
    /// <summary>The parts in order.</summary>
    public List<PosixNode> Items { get; } = items;
}

/// <summary>Alternatives (<c>a|b</c>, BRE <c>a\|b</c>).</summary>
internal sealed class AlternationNode(List<PosixNode> branches) : PosixNode
{
    /// <summary>The branches in order.</summary>
    public List<PosixNode> Branches { get; } = branches;
}

/// <summary>A capturing group numbered from 1.</summary>
internal sealed class GroupNode(int index, PosixNode body) : PosixNode
{
    /// <summary>The group's number.</summary>
    public int Index { get; } = index;

    /// <summary>What the group contains.</summary>
    public PosixNode Body { get; } = body;
}

/// <summary>A repetition <c>{Min,Max}</c>; <see cref="Max"/> is -1 for no bound.</summary>
internal sealed class RepeatNode(PosixNode body, int min, int max) : PosixNode
{
    /// <summary>What is repeated.</summary>
    public PosixNode Body { get; } = body;

    /// <summary>The least count.</summary>
    public int Min { get; } = min;

    /// <summary>The greatest count, or -1.</summary>
    public int Max { get; } = max;
}

/// <summary>A zero-width assertion.</summary>
internal sealed class AssertNode(AssertKind kind) : PosixNode
{
    /// <summary>What is asserted.</summary>
    public AssertKind Kind { get; } = kind;
}

/// <summary>A back-reference <c>\1</c> … <c>\9</c>.</summary>
internal sealed class BackReferenceNode(int index, bool ignoreCase) : PosixNode
{
    /// <summary>The group referred to.</summary>
    public int Index { get; } = index;

    /// <summary>Whether the text may differ from the group's in case (-i, s///I).</summary>
    public bool IgnoreCase { get; } = ignoreCase;
}

/// <summary>The zero-width assertions of GNU regular expressions.</summary>
internal enum AssertKind
{
    /// <summary><c>^</c>, <c>\`</c>: start of the line (pattern space).</summary>
    Start,

    /// <summary><c>$</c>, <c>\'</c>: end of the line.</summary>
    End,

    /// <summary><c>\b</c>.</summary>
    WordBoundary,

    /// <summary><c>\B</c>.</summary>
    NotWordBoundary,

    /// <summary><c>\&lt;</c>.</summary>
    WordStart,

    /// <summary><c>\&gt;</c>.</summary>
    WordEnd,

    /// <summary>No word char before (grep -w).</summary>
    NoWordBefore,

    /// <summary>No word char after (grep -w).</summary>
    NoWordAfter,
}
