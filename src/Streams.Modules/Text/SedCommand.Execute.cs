using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Streams.Modules.Text.Regex;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary>Running the script over the input.</summary>
internal sealed partial class SedCommand
{
    /// <summary>Runs the cycles; returns the status given to q/Q, or null.</summary>
    private async ValueTask<int?> ExecuteAsync(StageContext context, SedInput input)
    {
        PipeWriter output = context.Output;
        List<SedInstruction> program = _program.Instructions;
        // Each space carries whether its text ended with a newline (GNU's "chomped"): h, g, x and the appending
        // H and G move it with the text, so a last line without one prints without one wherever it went. The hold
        // space starts empty, as if it had had one.
        string hold = string.Empty;
        bool holdNewline = true;
        string? restart = null;
        bool newline = false;
        while (restart is not null || await input.MoveNextAsync().ConfigureAwait(false))
        {
            // D restarts the cycle on what it left, without reading a line.
            string space = restart ?? input.Current;
            newline = restart is null ? input.HasNewline : newline;
            _replaced &= restart is not null;
            restart = null;
            bool deleted = false;
            int? quit = null;
            for (int i = 0; i < program.Count; i++)
            {
                SedInstruction instruction = program[i];
                if (instruction.Command == '}')
                {
                    continue;
                }

                if (!await SelectedAsync(instruction, space, input).ConfigureAwait(false))
                {
                    if (instruction.Command == '{')
                    {
                        i = instruction.BlockEnd;
                    }

                    continue;
                }

                switch (instruction.Command)
                {
                    case '{' or '}':
                        break;
                    case 'p':
                        WriteLine(output, space, newline);
                        break;
                    case 'd':
                        deleted = true;
                        break;
                    case 'D':
                        // GNU: without a newline, as d; else delete up to the first newline and restart the cycle.
                        int first = space.IndexOf('\n', StringComparison.Ordinal);
                        restart = first < 0 ? null : space[(first + 1)..];
                        deleted = true;
                        break;
                    case 'h':
                        (hold, holdNewline) = (space, newline);
                        break;
                    case 'H':
                        (hold, holdNewline) = (hold + "\n" + space, newline);
                        break;
                    case 'g':
                        (space, newline) = (hold, holdNewline);
                        break;
                    case 'G':
                        (space, newline) = (space + "\n" + hold, holdNewline);
                        break;
                    case 'x':
                        (space, hold, newline, holdNewline) = (hold, space, holdNewline, newline);
                        break;
                    case '=':
                        WriteLine(output, input.LineNumber.ToString(CultureInfo.InvariantCulture), true);
                        break;
                    case 's':
                        if (Substitute(instruction, ref space))
                        {
                            _replaced = true;
                            if (instruction.Print)
                            {
                                WriteLine(output, space, newline);
                            }
                        }

                        break;
                    case 'y':
                        space = string.Create(space.Length, (space, instruction.Map!), static (chars, state) =>
                        {
                            for (int k = 0; k < chars.Length; k++)
                            {
                                char ch = state.space[k];
                                chars[k] = ch < 256 ? state.Item2[ch] : ch;
                            }
                        });
                        break;
                    case 'a':
                        _append.Add(instruction.Text!);
                        break;
                    case 'i':
                        WriteText(output, instruction.Text!);
                        break;
                    case 'c':
                        // GNU: the text once for a whole range (at its end), else for every line; then as d.
                        if (instruction.Last is null || instruction.Negate || !instruction.InRange)
                        {
                            WriteText(output, instruction.Text!);
                        }

                        deleted = true;
                        break;
                    case ':':
                        break;
                    case 'b':
                        i = instruction.Target - 1;
                        break;
                    case 't' or 'T':
                        // t jumps after a substitution since the last line read or the last t; T when there was none.
                        if (_replaced == (instruction.Command == 't'))
                        {
                            i = instruction.Target - 1;
                        }

                        _replaced = false;
                        break;
                    case 'q':
                        // GNU ends the output of q with a newline even when the last line had none.
                        quit = instruction.ExitCode;
                        newline = true;
                        break;
                    case 'Q':
                        quit = instruction.ExitCode;
                        deleted = true;
                        break;
                    case 'P':
                        int end = space.IndexOf('\n', StringComparison.Ordinal);
                        WriteLine(output, end < 0 ? space : space[..end], end >= 0 || newline);
                        break;
                    case 'N':
                        if (await input.IsLastAsync().ConfigureAwait(false))
                        {
                            // GNU: without a next line, N prints the pattern space (unless -n) and ends.
                            quit = 0;
                            break;
                        }

                        DumpAppend(output);
                        await input.MoveNextAsync().ConfigureAwait(false);
                        space = space + "\n" + input.Current;
                        newline = input.HasNewline;
                        _replaced = false;
                        break;
                    case 'n':
                        if (await input.IsLastAsync().ConfigureAwait(false))
                        {
                            // GNU: without a next line, n ends the script (autoprint still happens).
                            quit = 0;
                            break;
                        }

                        if (!_quiet)
                        {
                            WriteLine(output, space, newline);
                        }

                        DumpAppend(output);
                        await input.MoveNextAsync().ConfigureAwait(false);
                        space = input.Current;
                        newline = input.HasNewline;
                        _replaced = false;
                        break;
                }

                if (deleted || quit is not null)
                {
                    break;
                }
            }

            if (!deleted && !_quiet)
            {
                WriteLine(output, space, newline);
            }

            DumpAppend(output);

            await output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
            if (quit is int status)
            {
                return status;
            }
        }

        return null;
    }

    // The text of the a commands of this cycle, written at its end or before n and N read a line (GNU).
    private void DumpAppend(PipeWriter output)
    {
        foreach (string text in _append)
        {
            WriteText(output, text);
        }

        _append.Clear();
    }

    // The text of a, i or c and its newline. An empty text ("a\" at the end of the script) writes nothing but the
    // newline a last line without one was printed without (GNU).
    private void WriteText(PipeWriter output, string text)
    {
        if (text.Length > 0)
        {
            WriteLine(output, text, true);
        }
        else if (_missingNewline)
        {
            output.Write("\n"u8);
            _missingNewline = false;
        }
    }

    /// <remarks>
    /// Ranges follow GNU sed: a range whose first address is a line number opens on the first line at or past
    /// it (n may have skipped it), unless its line-number end was skipped too, and never reopens; a skipped
    /// line-number end closes the range without selecting the line, a skipped <c>+N</c> end selects it.
    /// </remarks>
    private async ValueTask<bool> SelectedAsync(SedInstruction instruction, string space, SedInput input)
    {
        bool selected;
        long line = input.LineNumber;
        SedAddress? first = instruction.First;
        SedAddress? last = instruction.Last;
        if (first is null)
        {
            selected = true;
        }
        else if (last is null)
        {
            selected = await MatchesAsync(first, space, input).ConfigureAwait(false);
        }
        else if (!instruction.InRange)
        {
            if (first.Kind != SedAddressKind.Line)
            {
                selected = await MatchesAsync(first, space, input).ConfigureAwait(false);
            }
            else
            {
                // Past the first line (n skipped it): the range still opens, unless its line-number end was
                // skipped as well.
                selected = !instruction.RangeClosed && line >= first.Line
                    && !(line > first.Line && last.Kind == SedAddressKind.Line && last.Line < line);
                instruction.RangeClosed |= line > first.Line && !selected;
            }

            if (selected)
            {
                instruction.RangeEnd = last.Kind == SedAddressKind.Plus ? line + last.Line : last.Line;
                instruction.InRange = last.Kind switch
                {
                    SedAddressKind.Line or SedAddressKind.Plus => instruction.RangeEnd > line,
                    _ => true,
                };
                instruction.RangeClosed = !instruction.InRange && first.Kind == SedAddressKind.Line;
            }
        }
        else
        {
            bool end;
            if (last.Kind is SedAddressKind.Line or SedAddressKind.Plus)
            {
                // GNU: a skipped line-number end closes the range without this line; a skipped +N end
                // still selects it.
                selected = last.Kind == SedAddressKind.Plus || line <= instruction.RangeEnd;
                end = line >= instruction.RangeEnd;
            }
            else
            {
                selected = true;
                end = await MatchesAsync(last, space, input).ConfigureAwait(false);
            }

            instruction.InRange = !end;
            instruction.RangeClosed = end && first.Kind == SedAddressKind.Line;
        }

        return selected != instruction.Negate;
    }

    private async ValueTask<bool> MatchesAsync(SedAddress address, string space, SedInput input)
    {
        switch (address.Kind)
        {
            case SedAddressKind.Line:
                return input.LineNumber == address.Line;
            case SedAddressKind.Last:
                return await input.IsLastAsync().ConfigureAwait(false);
            case SedAddressKind.Step:
                long line = input.LineNumber;
                return address.Step <= 0 ? line == address.Line : line >= address.Line && (line - address.Line) % address.Step == 0;
            default:
                PosixRegex regex = Use(address.Regex);
                return regex.IsMatch(space);
        }
    }

    private PosixRegex Use(PosixRegex? regex)
    {
        if (regex is not null)
        {
            _lastRegex = regex;
            return regex;
        }

        return _lastRegex ?? throw new StageFailedException("sed: no previous regular expression", 1);
    }

    /// <summary>Applies an s command; true when something was replaced.</summary>
    private bool Substitute(SedInstruction instruction, ref string space)
    {
        PosixRegex regex = Use(instruction.Regex);
        int slots = 2 * (regex.GroupCount + 1);
        if (_captures.Length < slots)
        {
            _captures = new int[slots];
        }

        string text = space;
        StringBuilder? result = null;
        int copied = 0;
        int count = 0;
        int previousEnd = -1;
        int pos = 0;
        while (pos <= text.Length && regex.Match(text, pos, _captures))
        {
            int start = _captures[0];
            int end = _captures[1];
            if (start == end && start == previousEnd)
            {
                // POSIX: no empty match right where the previous match ended.
                pos = start + 1;
                continue;
            }

            count++;
            if (count >= instruction.Occurrence)
            {
                result ??= new StringBuilder(text.Length + 16);
                result.Append(text, copied, start - copied);
                AppendReplacement(result, instruction.Replacement, text);
                copied = end;
                if (!instruction.Global)
                {
                    break;
                }
            }

            previousEnd = end;
            pos = end == start ? end + 1 : end;
        }

        if (result is null)
        {
            return false;
        }

        result.Append(text, copied, text.Length - copied);
        space = result.ToString();
        return true;
    }

    private void AppendReplacement(StringBuilder sb, List<SedReplacementPart> parts, string text)
    {
        char mode = '\0';
        char once = '\0';
        foreach (SedReplacementPart part in parts)
        {
            if (part.CaseOp != '\0')
            {
                if (part.CaseOp is 'l' or 'u')
                {
                    once = part.CaseOp;
                }
                else
                {
                    mode = part.CaseOp == 'E' ? '\0' : part.CaseOp;
                    once = '\0';
                }

                continue;
            }

            string piece;
            if (part.Text is not null)
            {
                piece = part.Text;
            }
            else
            {
                int s = _captures[2 * part.Group];
                int e = _captures[(2 * part.Group) + 1];
                piece = s < 0 ? string.Empty : text[s..e];
            }

            if (mode == '\0' && once == '\0')
            {
                sb.Append(piece);
                continue;
            }

            for (int i = 0; i < piece.Length; i++)
            {
                char c = piece[i];
                c = mode == 'U' ? ToUpper(c) : mode == 'L' ? ToLower(c) : c;
                if (once != '\0')
                {
                    c = once == 'u' ? ToUpper(c) : ToLower(c);
                    once = '\0';
                }

                sb.Append(c);
            }
        }
    }

    private static char ToUpper(char c) => char.IsAsciiLetterLower(c) ? (char)(c - 32) : c;

    private static char ToLower(char c) => char.IsAsciiLetterUpper(c) ? (char)(c + 32) : c;
}
