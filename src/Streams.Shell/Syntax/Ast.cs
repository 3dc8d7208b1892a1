using System.Diagnostics;

namespace Streams.Shell.Syntax;

/// <summary>A parsed script: and-or lists run one after the other (docs/shell.md, "Grammar").</summary>
internal sealed record ScriptNode(IReadOnlyList<AndOrNode> Lists);

/// <summary>How a pipeline is joined to the one before it in an and-or list.</summary>
internal enum AndOrKind
{
    /// <summary>The first pipeline of the list.</summary>
    First,

    /// <summary><c>&amp;&amp;</c>: run when the previous status is 0.</summary>
    And,

    /// <summary><c>||</c>: run when the previous status is not 0.</summary>
    Or,
}

/// <summary>Pipelines joined by <c>&amp;&amp;</c> and <c>||</c> (equal precedence, left to right), ended by
/// <c>;</c>, a newline or <c>&amp;</c> (background).</summary>
[DebuggerDisplay("{Text}")]
internal sealed record AndOrNode(IReadOnlyList<PipelineNode> Pipelines, IReadOnlyList<AndOrKind> Joins, bool Background, string Text);

/// <summary>Commands joined by <c>|</c>, optionally negated with <c>!</c>.</summary>
internal sealed record PipelineNode(bool Negated, IReadOnlyList<CommandNode> Commands);

/// <summary>A simple command: assignments, words and redirections (kept in source order).</summary>
internal sealed record CommandNode(IReadOnlyList<AssignmentNode> Assignments, IReadOnlyList<WordNode> Words, IReadOnlyList<RedirectionNode> Redirections, int Line, int Column);

/// <summary><c>NAME=value</c>.</summary>
internal sealed record AssignmentNode(string Name, WordNode Value);

/// <summary>What a redirection does.</summary>
internal enum RedirectionKind
{
    /// <summary><c>N&lt;file</c> (N defaults to 0).</summary>
    Input,

    /// <summary><c>N&gt;file</c> (N defaults to 1): create or truncate.</summary>
    Output,

    /// <summary><c>N&gt;&gt;file</c>: create or append.</summary>
    Append,

    /// <summary><c>N&lt;&gt;file</c> (N defaults to 0): open for reading and writing, created when missing, never
    /// truncated.</summary>
    ReadWrite,

    /// <summary><c>N&gt;&amp;M</c> or <c>N&lt;&amp;M</c>: make N a copy of M.</summary>
    Duplicate,
}

/// <summary>One redirection: the descriptor it changes and its target word.</summary>
internal sealed record RedirectionNode(int Fd, RedirectionKind Kind, WordNode Target);

/// <summary>A word before expansion: literal and parameter parts, each quoted or not.</summary>
[DebuggerDisplay("{Raw}")]
internal sealed record WordNode(IReadOnlyList<WordPart> Parts, string Raw, int Line, int Column)
{
    /// <summary>Whether the whole word is unquoted literal text equal to <paramref name="text"/>.</summary>
    public bool IsPlain(string text) => Parts.Count == 1 && Parts[0] is LiteralPart { Quoted: false } l && l.Text == text;
}

/// <summary>A piece of a word.</summary>
internal abstract record WordPart(bool Quoted);

/// <summary>Literal text; quoted text is never globbed.</summary>
internal sealed record LiteralPart(string Text, bool Quoted) : WordPart(Quoted);

/// <summary><c>$NAME</c>, <c>${NAME}</c>, <c>$?</c>, <c>$1</c>, <c>$#</c>, <c>$@</c>, <c>$*</c>, <c>$$</c>, <c>$0</c>.</summary>
internal sealed record ParameterPart(string Name, bool Quoted) : WordPart(Quoted);

/// <summary><c>~</c> at the start of an unquoted word: the home directory.</summary>
internal sealed record TildePart() : WordPart(false);
