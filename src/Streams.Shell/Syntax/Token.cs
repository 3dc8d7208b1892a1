using System.Diagnostics;

namespace Streams.Shell.Syntax;

/// <summary>The kinds of token the lexer produces.</summary>
internal enum TokenKind
{
    Word,
    Newline,
    EndOfFile,
    Pipe,
    AndIf,
    OrIf,
    Semicolon,
    DoubleSemicolon,

    /// <summary><c>;&amp;</c>, a case terminator in bash: never valid here, as <c>;;</c> is not.</summary>
    SemicolonAnd,
    Ampersand,
    Less,
    Great,
    DoubleGreat,
    GreatAnd,
    LessAnd,

    /// <summary><c>&lt;&gt;</c>: open read-write, created when missing.</summary>
    LessGreat,
    AndGreat,
    AndDoubleGreat,
    LeftParen,
    RightParen,
}

/// <summary>One token with its position; <see cref="Word"/> is set for words, <see cref="IoNumber"/> for a
/// redirection written with a descriptor (<c>2&gt;</c>).</summary>
[DebuggerDisplay("{Kind} {Text}")]
internal sealed record Token(TokenKind Kind, string Text, int Offset, int Line, int Column, WordNode? Word = null, int IoNumber = -1)
{
    /// <summary>The token as an error message names it.</summary>
    public string Display => Kind switch
    {
        TokenKind.Newline => "newline",
        TokenKind.EndOfFile => "end of file",
        _ => Text,
    };

    public bool IsRedirection => Kind is TokenKind.Less or TokenKind.Great or TokenKind.DoubleGreat or TokenKind.GreatAnd or TokenKind.LessAnd or TokenKind.LessGreat or TokenKind.AndGreat or TokenKind.AndDoubleGreat;
}
