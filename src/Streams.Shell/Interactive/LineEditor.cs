using System.Text;

namespace Streams.Shell.Interactive;

/// <summary>A small line editor on <see cref="Console.ReadKey(bool)"/>: left/right, home/end, backspace/delete,
/// up/down through the history, and the usual Emacs control keys (Ctrl-A/E/B/F/K/U/W/L/D/C).</summary>
/// <remarks>The line is redrawn on every change with ANSI sequences (carriage return, erase to end of line,
/// cursor left), which every terminal emulator understands; lines longer than the terminal wrap badly.</remarks>
internal sealed class LineEditor
{
    private readonly History _history;
    private readonly TextWriter _output;

    public LineEditor(History history, TextWriter output)
    {
        _history = history;
        _output = output;
    }

    /// <summary>Whether the last <see cref="ReadLine"/> ended with Ctrl-C.</summary>
    public bool Cancelled { get; private set; }

    /// <summary>Reads a line after showing <paramref name="prompt"/>; null at Ctrl-D on an empty line.</summary>
    public string? ReadLine(string prompt)
    {
        Cancelled = false;
        var line = new StringBuilder();
        int cursor = 0;
        int historyIndex = _history.Entries.Count;
        string draft = "";
        bool previous = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        _output.Write(prompt);
        _output.Flush();
        try
        {
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                bool control = (key.Modifiers & ConsoleModifiers.Control) != 0;
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        _output.Write("\r\n");
                        _output.Flush();
                        return line.ToString();
                    case ConsoleKey.LeftArrow:
                        cursor = Math.Max(0, cursor - 1);
                        break;
                    case ConsoleKey.RightArrow:
                        cursor = Math.Min(line.Length, cursor + 1);
                        break;
                    case ConsoleKey.Home:
                        cursor = 0;
                        break;
                    case ConsoleKey.End:
                        cursor = line.Length;
                        break;
                    case ConsoleKey.Backspace:
                        if (cursor > 0)
                        {
                            line.Remove(--cursor, 1);
                        }

                        break;
                    case ConsoleKey.Delete:
                        if (cursor < line.Length)
                        {
                            line.Remove(cursor, 1);
                        }

                        break;
                    case ConsoleKey.UpArrow:
                    case ConsoleKey.DownArrow:
                        int step = key.Key == ConsoleKey.UpArrow ? -1 : 1;
                        (historyIndex, draft) = Recall(historyIndex, step, line, draft);
                        cursor = line.Length;
                        break;
                    default:
                        if (control || key.KeyChar is < ' ' or '\x7f')
                        {
                            string? end = Control(key, line, ref cursor, ref historyIndex, ref draft, prompt);
                            if (end is not null)
                            {
                                return end.Length == 0 && line.Length == 0 && !Cancelled ? null : end;
                            }
                        }
                        else
                        {
                            line.Insert(cursor++, key.KeyChar);
                        }

                        break;
                }

                Redraw(prompt, line, cursor);
            }
        }
        finally
        {
            Console.TreatControlCAsInput = previous;
        }
    }

    /// <summary>Handles a control key; returns a string to end the line with (empty for Ctrl-D on an empty
    /// line, meaning the end of input), or null to go on.</summary>
    private string? Control(ConsoleKeyInfo key, StringBuilder line, ref int cursor, ref int historyIndex, ref string draft, string prompt)
    {
        char c = key.KeyChar;
        ConsoleKey k = key.Key;
        bool Is(char ctrl, ConsoleKey letter) => c == ctrl || ((key.Modifiers & ConsoleModifiers.Control) != 0 && k == letter);
        if (Is('\x03', ConsoleKey.C))
        {
            _output.Write("^C\r\n");
            _output.Flush();
            Cancelled = true;
            line.Clear();
            return "";
        }

        if (Is('\x04', ConsoleKey.D))
        {
            if (line.Length == 0)
            {
                _output.Write("\r\n");
                _output.Flush();
                return "";
            }

            if (cursor < line.Length)
            {
                line.Remove(cursor, 1);
            }
        }
        else if (Is('\x01', ConsoleKey.A))
        {
            cursor = 0;
        }
        else if (Is('\x05', ConsoleKey.E))
        {
            cursor = line.Length;
        }
        else if (Is('\x02', ConsoleKey.B))
        {
            cursor = Math.Max(0, cursor - 1);
        }
        else if (Is('\x06', ConsoleKey.F))
        {
            cursor = Math.Min(line.Length, cursor + 1);
        }
        else if (Is('\x0b', ConsoleKey.K))
        {
            line.Remove(cursor, line.Length - cursor);
        }
        else if (Is('\x15', ConsoleKey.U))
        {
            line.Remove(0, cursor);
            cursor = 0;
        }
        else if (Is('\x17', ConsoleKey.W))
        {
            int start = cursor;
            while (start > 0 && line[start - 1] == ' ')
            {
                start--;
            }

            while (start > 0 && line[start - 1] != ' ')
            {
                start--;
            }

            line.Remove(start, cursor - start);
            cursor = start;
        }
        else if (Is('\x0c', ConsoleKey.L))
        {
            _output.Write("\x1b[H\x1b[2J");
        }
        else if (Is('\x10', ConsoleKey.P))
        {
            (historyIndex, draft) = Recall(historyIndex, -1, line, draft);
            cursor = line.Length;
        }
        else if (Is('\x0e', ConsoleKey.N))
        {
            (historyIndex, draft) = Recall(historyIndex, 1, line, draft);
            cursor = line.Length;
        }
        else if (c == '\x7f' || c == '\b' || Is('\x08', ConsoleKey.H))
        {
            if (cursor > 0)
            {
                line.Remove(--cursor, 1);
            }
        }
        else if (c is '\r' or '\n')
        {
            _output.Write("\r\n");
            _output.Flush();
            return line.ToString();
        }
        else if (c == '\t')
        {
            line.Insert(cursor++, ' ');
        }

        _ = prompt;
        return null;
    }

    private (int Index, string Draft) Recall(int index, int step, StringBuilder line, string draft)
    {
        IReadOnlyList<string> entries = _history.Entries;
        int next = index + step;
        if (next < 0 || next > entries.Count)
        {
            return (index, draft);
        }

        if (index == entries.Count)
        {
            draft = line.ToString();
        }

        line.Clear();
        line.Append(next == entries.Count ? draft : entries[next]);
        return (next, draft);
    }

    private void Redraw(string prompt, StringBuilder line, int cursor)
    {
        var text = new StringBuilder();
        text.Append('\r').Append(prompt).Append(line).Append("\x1b[K");
        int back = line.Length - cursor;
        if (back > 0)
        {
            text.Append("\x1b[").Append(back).Append('D');
        }

        _output.Write(text.ToString());
        _output.Flush();
    }
}
