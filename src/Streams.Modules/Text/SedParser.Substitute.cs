using System.Text;

namespace Streams.Modules.Text;

/// <summary>The <c>s</c> command: delimited parts, flags and the replacement.</summary>
internal sealed partial class SedParser
{
    /// <summary>Reads up to an unescaped <paramref name="delimiter"/>; <c>\delimiter</c> becomes the delimiter
    /// itself. Returns null when the text ends first (or, in a regex, at a newline).</summary>
    private string? ReadDelimited(char delimiter, bool replacement)
    {
        var sb = new StringBuilder();
        while (true)
        {
            int c = Read();
            if (c == Eof || (c == '\n' && !replacement))
            {
                return null;
            }

            if (c == delimiter)
            {
                return sb.ToString();
            }

            if (c == '[' && !replacement)
            {
                // GNU does not end the regex at a delimiter inside a bracket expression.
                sb.Append('[');
                if (!CopyBracket(sb))
                {
                    return null;
                }

                continue;
            }

            if (c == '\\')
            {
                int next = Read();
                if (next == Eof)
                {
                    return null;
                }

                if (next == delimiter)
                {
                    sb.Append((char)next);
                }
                else if (next == '\n' && !replacement)
                {
                    sb.Append("\\n");
                }
                else
                {
                    sb.Append('\\').Append((char)next);
                }

                continue;
            }

            sb.Append((char)c);
        }
    }

    /// <summary>Copies a bracket expression up to its closing <c>]</c>; false at the end of the text.</summary>
    private bool CopyBracket(StringBuilder sb)
    {
        int start = _pos;
        if (Peek() == '^')
        {
            sb.Append((char)Read());
            start = _pos;
        }

        while (true)
        {
            int c = Read();
            if (c is Eof or '\n')
            {
                return false;
            }

            sb.Append((char)c);
            if (c == ']' && _pos - 1 > start)
            {
                return true;
            }

            if (c == '[' && Peek() is ':' or '.' or '=')
            {
                char kind = (char)Read();
                sb.Append(kind);
                int end = _s.IndexOf(kind + "]", _pos, StringComparison.Ordinal);
                if (end < 0)
                {
                    return false;
                }

                sb.Append(_s, _pos, end + 2 - _pos);
                _pos = end + 2;
            }
        }
    }

    private SedInstruction ParseSubstitute()
    {
        int delimiter = Read();
        if (delimiter is Eof or '\n' or '\\')
        {
            throw Error("unterminated `s' command");
        }

        string? pattern = ReadDelimited((char)delimiter, false);
        string? replacement = pattern is null ? null : ReadDelimited((char)delimiter, true);
        if (replacement is null)
        {
            throw Error("unterminated `s' command");
        }

        var instruction = new SedInstruction { Command = 's' };
        bool icase = ParseSubstituteFlags(instruction);
        instruction.Regex = Compile(pattern!, icase);
        int groups = instruction.Regex?.GroupCount ?? 9;
        ParseReplacement(replacement, instruction.Replacement, groups);
        return instruction;
    }

    // The flags, as GNU's mark_subst_opts reads them: blanks between them are allowed; w takes the rest of the
    // line as a file name and ends the command. Returns whether I was given.
    private bool ParseSubstituteFlags(SedInstruction instruction)
    {
        bool icase = false;
        bool number = false;
        while (true)
        {
            SkipBlanks();
            int c = Read();
            switch (c)
            {
                case 'i' or 'I' or 'm' or 'M' or 'e' when _posix:
                    throw Error("unknown option to `s'");
                case 'e' or 'w' when _program.Sandbox:
                    throw Error("e/r/w commands disabled in sandbox mode");
                case 'i' or 'I':
                    icase = true;
                    break;
                case 'm' or 'M':
                    break;
                case 'e':
                    instruction.Evaluate = true;
                    break;
                case 'p':
                    if (instruction.Print != 0)
                    {
                        throw Error("multiple `p' options to `s' command");
                    }

                    // GNU: a p before e prints before the command runs, a p after it prints its output.
                    instruction.Print = instruction.Evaluate ? 2 : 1;
                    break;
                case 'g':
                    if (instruction.Global)
                    {
                        throw Error("multiple `g' options to `s' command");
                    }

                    instruction.Global = true;
                    break;
                case 'w':
                    instruction.FileName = ReadFileName();
                    instruction.Output = _program.OpenOutput?.Invoke(instruction.FileName);
                    return icase;
                case >= '0' and <= '9':
                    if (number)
                    {
                        throw Error("multiple number options to `s' command");
                    }

                    long n = c - '0';
                    while (Peek() is >= '0' and <= '9')
                    {
                        n = Math.Min((n * 10) + (Read() - '0'), int.MaxValue);
                    }

                    if (n == 0)
                    {
                        throw Error("number option to `s' command may not be zero");
                    }

                    number = true;
                    instruction.Occurrence = (int)n;
                    break;
                case '}' or '#':
                    _pos--;
                    return icase;
                case Eof or '\n' or ';':
                    return icase;
                case '\r' when Peek() == '\n':
                    _pos++;
                    return icase;
                default:
                    throw Error("unknown option to `s'");
            }
        }
    }

    private void ParseReplacement(string text, List<SedReplacementPart> parts, int groups)
    {
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length > 0)
            {
                parts.Add(new SedReplacementPart(literal.ToString(), -1));
                literal.Clear();
            }
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '&')
            {
                Flush();
                parts.Add(new SedReplacementPart(null, 0));
                continue;
            }

            if (c != '\\' || i + 1 >= text.Length)
            {
                literal.Append(c);
                continue;
            }

            char e = text[++i];
            switch (e)
            {
                case >= '0' and <= '9':
                    if (e - '0' > groups)
                    {
                        throw Error($"invalid reference \\{e} on `s' command's RHS");
                    }

                    Flush();
                    parts.Add(new SedReplacementPart(null, e - '0'));
                    break;
                case 'n':
                    literal.Append('\n');
                    break;
                case 't':
                    literal.Append('\t');
                    break;
                case 'r':
                    literal.Append('\r');
                    break;
                case 'f':
                    literal.Append('\f');
                    break;
                case 'v':
                    literal.Append('\v');
                    break;
                case 'a':
                    literal.Append('\a');
                    break;
                case 'L' or 'U' or 'E' or 'l' or 'u':
                    Flush();
                    parts.Add(new SedReplacementPart(null, -1, e));
                    break;
                default:
                    literal.Append(e);
                    break;
            }
        }

        Flush();
    }
}
