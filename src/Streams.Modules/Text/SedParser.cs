using System.Text;
using Streams.Modules.Text.Regex;

namespace Streams.Modules.Text;

/// <summary>Parses sed scripts as GNU sed 4 does, with its error messages
/// (<c>-e expression #1, char 5: unterminated `s' command</c>).</summary>
/// <remarks>Each -e expression (or the script operand) is parsed on its own; a failure throws
/// <see cref="FormatException"/> whose message is the whole line GNU prints, without the newline.</remarks>
internal sealed partial class SedParser
{
    private readonly string _s;
    private readonly int _number;
    private readonly PosixSyntax _syntax;
    private readonly SedProgram _program;
    private readonly bool _posix;
    private int _pos;

    private SedParser(string script, int number, PosixSyntax syntax, SedProgram program)
    {
        _s = script;
        _number = number;
        _syntax = syntax;
        _program = program;
        _posix = program.Posix;
    }

    /// <summary>Parses expression number <paramref name="number"/> (from 1) into <paramref name="program"/>.</summary>
    /// <exception cref="FormatException">The script is invalid.</exception>
    public static void Parse(string script, int number, bool extended, SedProgram program)
    {
        var parser = new SedParser(script, number, PosixSyntax.SedEscapes | (extended ? PosixSyntax.Extended : 0), program);
        if (number == 1 && (script == "#n" || script.StartsWith("#n\n", StringComparison.Ordinal)))
        {
            program.Quiet = true;
        }

        parser.ParseAll(program);
    }

    private const int Eof = -1;

    private int Read() => _pos < _s.Length ? _s[_pos++] : Eof;

    private int Peek() => _pos < _s.Length ? _s[_pos] : Eof;

    private FormatException Error(string message) => new($"sed: -e expression #{_number}, char {_pos}: {message}");

    private void SkipBlanks()
    {
        while (_pos < _s.Length && _s[_pos] is ' ' or '\t')
        {
            _pos++;
        }
    }

    private void ParseAll(SedProgram program)
    {
        while (true)
        {
            while (_pos < _s.Length && (char.IsWhiteSpace(_s[_pos]) || _s[_pos] == ';'))
            {
                _pos++;
            }

            if (_pos >= _s.Length)
            {
                return;
            }

            if (_s[_pos] == '#')
            {
                while (_pos < _s.Length && _s[_pos] != '\n')
                {
                    _pos++;
                }

                continue;
            }

            SedAddress? first = ParseAddress();
            SedAddress? last = null;
            SkipBlanks();
            if (first is not null && Peek() == ',')
            {
                _pos++;
                SkipBlanks();
                last = ParseAddress(second: true) ?? throw Error("unexpected `,'");
            }

            SkipBlanks();
            bool negate = false;
            while (Peek() == '!')
            {
                if (negate)
                {
                    _pos++;
                    throw Error("multiple `!'s");
                }

                _pos++;
                negate = true;
                SkipBlanks();
            }

            int c = Read();
            if (c == Eof || c == '\n' || c == ';')
            {
                throw Error("missing command");
            }

            if (c == '}')
            {
                if (first is not null)
                {
                    throw Error("unexpected `}'");
                }

                if (program.OpenBlocks.Count == 0)
                {
                    throw Error("unexpected `}'");
                }

                program.Instructions[program.OpenBlocks.Pop()].BlockEnd = program.Instructions.Count;
                program.Instructions.Add(new SedInstruction { Command = '}' });
                EndOfCommand("extra characters after command");
                continue;
            }

            // GNU: 0 is an address only for 0,/re/ and 0r FILE; --posix refuses its extension commands and a second
            // address for a few more commands.
            if (first is { Kind: SedAddressKind.Line, Line: 0 }
                && (last is null ? c != 'r' : last.Kind != SedAddressKind.Regex || _posix))
            {
                throw Error("invalid usage of line address 0");
            }

            if (_posix && c is 'e' or 'F' or 'v' or 'z' or 'L' or 'Q' or 'T' or 'R' or 'W')
            {
                throw Error($"unknown command: `{(char)c}'");
            }

            if (_program.Sandbox && c is 'e' or 'r' or 'R' or 'w' or 'W')
            {
                throw Error("e/r/w commands disabled in sandbox mode");
            }

            if (last is not null && (c is 'q' or 'Q' || (_posix && c is 'a' or 'i' or 'l' or '=' or 'r')))
            {
                throw Error("command only uses one address");
            }

            SedInstruction instruction = c switch
            {
                's' => ParseSubstitute(),
                'p' or 'P' or 'd' or 'D' or '=' or 'n' or 'N' or '{' or 'h' or 'H' or 'g' or 'G' or 'x' or 'F' or 'z' => new SedInstruction { Command = (char)c },
                'q' or 'Q' => ParseQuit((char)c),
                'l' => ParseList(),
                'a' or 'i' or 'c' => new SedInstruction { Command = (char)c, Text = ParseText() },
                'e' => ParseExecute(),
                'r' => new SedInstruction { Command = 'r', FileName = ReadFileName(), Prepend = last is null && first is { Kind: SedAddressKind.Line, Line: 0 } },
                'R' => ParseReadLine(),
                'w' or 'W' => ParseWrite((char)c),
                ':' => ParseLabelDefinition(first),
                'b' or 't' or 'T' => new SedInstruction { Command = (char)c, Label = ParseLabel(jump: true) },
                'y' => ParseTransliterate(),
                _ => throw Error($"unknown command: `{(char)c}'"),
            };
            if (instruction.Prepend)
            {
                // GNU turns 0r FILE into 1r FILE that writes the file at once, before the line.
                first = new SedAddress { Kind = SedAddressKind.Line, Line = 1 };
            }

            // 0,/re/: the range is open before line 1, so /re/ may end it on line 1.
            instruction.InRange = first is { Kind: SedAddressKind.Line, Line: 0 };
            instruction.First = first;
            instruction.Last = last;
            instruction.Negate = negate;
            if (c == '{')
            {
                program.OpenBlocks.Push(program.Instructions.Count);
                program.Instructions.Add(instruction);
                continue;
            }

            program.Instructions.Add(instruction);
            if (c is not ('s' or 'a' or 'i' or 'c' or ':' or 'b' or 't' or 'T' or 'e' or 'r' or 'R' or 'w' or 'W'))
            {
                EndOfCommand("extra characters after command");
            }
        }
    }

    private void EndOfCommand(string message)
    {
        SkipBlanks();
        int c = Peek();
        if (c is Eof or '\n' or ';' or '#' or '}')
        {
            if (c is ';' or '\n')
            {
                _pos++;
            }

            return;
        }

        _pos++;
        throw Error(message);
    }

    // The text of a, i and c, as GNU reads it: "a text" (leading blanks dropped) or "a\" then the text on the next
    // line; a backslash keeps the character after it (a newline: the text goes on), an unescaped newline ends it.
    private string ParseText()
    {
        SkipBlanks();
        if (Peek() == '\\')
        {
            _pos++;
            if (Peek() == '\n')
            {
                _pos++;
            }
        }
        else if (Peek() is Eof or '\n')
        {
            throw Error("expected \\ after `a', `c' or `i'");
        }

        var text = new StringBuilder();
        while (_pos < _s.Length && _s[_pos] != '\n')
        {
            char ch = _s[_pos++];
            if (ch == '\\' && _pos < _s.Length)
            {
                ch = _s[_pos++];
            }

            text.Append(ch);
        }

        _pos = Math.Min(_pos + 1, _s.Length);
        return text.ToString();
    }

    // A label: to the end of the line or a ';' (for a jump also a '}', left for the block), blanks around it dropped
    // (GNU); none for b, t, T means the end of the script.
    private string? ParseLabel(bool jump = false)
    {
        SkipBlanks();
        int start = _pos;
        while (_pos < _s.Length && _s[_pos] is not ('\n' or ';') && !(jump && _s[_pos] == '}'))
        {
            _pos++;
        }

        string label = _s[start.._pos].TrimEnd(' ', '\t');
        if (_pos < _s.Length && _s[_pos] != '}')
        {
            _pos++;
        }

        return label.Length == 0 ? null : label;
    }

    private SedInstruction ParseLabelDefinition(SedAddress? address)
    {
        if (address is not null)
        {
            throw Error(": doesn't want any addresses");
        }

        return new SedInstruction { Command = ':', Label = ParseLabel() ?? throw Error("\":\" lacks a label") };
    }

    // y/source/dest/: both the same length once \\, \n and an escaped delimiter are read.
    private SedInstruction ParseTransliterate()
    {
        int delimiter = Read();
        if (delimiter is Eof or '\n' or '\\')
        {
            throw Error("unterminated `y' command");
        }

        string source = ReadTransliteration((char)delimiter);
        string dest = ReadTransliteration((char)delimiter);
        if (source.Length != dest.Length)
        {
            throw Error("strings for `y' command are different lengths");
        }

        char[] map = new char[256];
        for (int i = 0; i < map.Length; i++)
        {
            map[i] = (char)i;
        }

        for (int i = 0; i < source.Length; i++)
        {
            map[source[i] & 0xFF] = dest[i];
        }

        return new SedInstruction { Command = 'y', Map = map };
    }

    private string ReadTransliteration(char delimiter)
    {
        var text = new StringBuilder();
        while (true)
        {
            int ch = Read();
            if (ch is Eof)
            {
                throw Error("unterminated `y' command");
            }

            if (ch == delimiter)
            {
                return text.ToString();
            }

            if (ch == '\\')
            {
                int next = Read();
                ch = next switch
                {
                    'n' => '\n',
                    '\\' => '\\',
                    Eof => throw Error("unterminated `y' command"),
                    _ when next == delimiter => delimiter,
                    _ => throw Error("unknown option to `y'"),
                };
            }

            text.Append((char)ch);
        }
    }

    private SedInstruction ParseQuit(char command) => new() { Command = command, ExitCode = ReadNumber() ?? 0 };

    // l [N]: the line length; without N, -l's (70 by default). --posix takes no number.
    private SedInstruction ParseList() => new() { Command = 'l', Width = _posix ? -1 : ReadNumber() ?? -1 };

    // The optional number of q, Q and l (after blanks), capped at int.MaxValue as GNU caps q's status.
    private int? ReadNumber()
    {
        SkipBlanks();
        if (Peek() is not (>= '0' and <= '9'))
        {
            return null;
        }

        long value = 0;
        while (Peek() is >= '0' and <= '9')
        {
            value = Math.Min((value * 10) + (Read() - '0'), int.MaxValue);
        }

        return (int)value;
    }

    // e [COMMAND]: without a command (nothing but blanks to the end of the line) the pattern space is run; a
    // command is read like the text of a one-line a, i or c, to the end of the line.
    private SedInstruction ParseExecute()
    {
        SkipBlanks();
        if (Peek() is Eof or '\n')
        {
            _pos = Math.Min(_pos + 1, _s.Length);
            return new SedInstruction { Command = 'e' };
        }

        return new SedInstruction { Command = 'e', Text = ParseText() };
    }

    private SedInstruction ParseReadLine()
    {
        string name = ReadFileName();
        return new SedInstruction { Command = 'R', FileName = name, ReadFile = _program.OpenRead?.Invoke(name) };
    }

    private SedInstruction ParseWrite(char command)
    {
        string name = ReadFileName();
        return new SedInstruction { Command = command, FileName = name, Output = _program.OpenOutput?.Invoke(name) };
    }

    // The file name of r, R, w, W and s///w: after blanks, everything to the end of the line (a ';' or '}' is part
    // of it, as are trailing blanks).
    private string ReadFileName()
    {
        SkipBlanks();
        int start = _pos;
        while (_pos < _s.Length && _s[_pos] != '\n')
        {
            _pos++;
        }

        string name = _s[start.._pos];
        _pos = Math.Min(_pos + 1, _s.Length);
        return name.Length > 0 ? name : throw Error("missing filename in r/R/w/W commands");
    }

    private SedAddress? ParseAddress(bool second = false)
    {
        int c = Peek();
        if (c is >= '0' and <= '9')
        {
            long line = 0;
            while (Peek() is >= '0' and <= '9')
            {
                line = Math.Min((line * 10) + (Read() - '0'), long.MaxValue / 10);
            }

            if (Peek() == '~')
            {
                _pos++;
                long step = 0;
                while (Peek() is >= '0' and <= '9')
                {
                    step = Math.Min((step * 10) + (Read() - '0'), long.MaxValue / 10);
                }

                // GNU reads first~0 as the line number first.
                return step == 0
                    ? new SedAddress { Kind = SedAddressKind.Line, Line = line }
                    : new SedAddress { Kind = SedAddressKind.Step, Line = line, Step = step };
            }

            return new SedAddress { Kind = SedAddressKind.Line, Line = line };
        }

        if (c is '+' or '~' && second)
        {
            _pos++;
            long count = 0;
            while (Peek() is >= '0' and <= '9')
            {
                count = Math.Min((count * 10) + (Read() - '0'), long.MaxValue / 10);
            }

            return c == '+'
                ? new SedAddress { Kind = SedAddressKind.Plus, Line = count }
                : new SedAddress { Kind = SedAddressKind.Multiple, Step = count };
        }

        if (c == '$')
        {
            _pos++;
            return new SedAddress { Kind = SedAddressKind.Last };
        }

        if (c == '/' || c == '\\')
        {
            _pos++;
            int delimiter = c == '/' ? '/' : Read();
            if (delimiter is Eof or '\n' or '\\')
            {
                throw Error("unexpected `,'");
            }

            string? pattern = ReadDelimited((char)delimiter, false) ?? throw Error("unterminated address regex");
            bool icase = false;
            while (Peek() is 'I' or 'M')
            {
                icase |= Read() == 'I';
            }

            return new SedAddress { Kind = SedAddressKind.Regex, Regex = Compile(pattern, icase) };
        }

        return null;
    }

    private PosixRegex? Compile(string pattern, bool icase)
    {
        if (pattern.Length == 0)
        {
            return null;
        }

        try
        {
            return PosixRegex.Create([pattern], _syntax | (icase ? PosixSyntax.IgnoreCase : 0));
        }
        catch (PosixRegexException ex)
        {
            throw Error(ex.Message);
        }
    }
}
