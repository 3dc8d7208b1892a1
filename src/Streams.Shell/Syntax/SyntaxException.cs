using System.Text;

namespace Streams.Shell.Syntax;

/// <summary>A syntax error, with the position of the offending token and the source line to show under it.</summary>
internal sealed class SyntaxException : Exception
{
    public SyntaxException(string message, int line, int column, string sourceLine, int width, bool incomplete)
        : base(message)
    {
        Line = line;
        Column = column;
        SourceLine = sourceLine;
        Width = Math.Max(1, width);
        Incomplete = incomplete;
    }

    /// <summary>1-based line.</summary>
    public int Line { get; }

    /// <summary>1-based column (in chars).</summary>
    public int Column { get; }

    /// <summary>The source line holding the error, without its newline.</summary>
    public string SourceLine { get; }

    /// <summary>How many carets to draw.</summary>
    public int Width { get; }

    /// <summary>Whether the input merely ended too early (an open quote, a trailing <c>|</c>): an interactive
    /// shell reads another line instead of reporting it.</summary>
    public bool Incomplete { get; }

    /// <summary>The three lines the shell prints: the message, the source line and a caret line.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.Append("streams: syntax error at line ").Append(Line).Append(", column ").Append(Column).Append(": ").Append(Message).Append('\n');
        text.Append(SourceLine).Append('\n');
        for (int i = 0; i < Column - 1; i++)
        {
            // Keep tabs so that the caret lines up with the source on a terminal.
            text.Append(i < SourceLine.Length && SourceLine[i] == '\t' ? '\t' : ' ');
        }

        text.Append('^', Width).Append('\n');
        return text.ToString();
    }
}
