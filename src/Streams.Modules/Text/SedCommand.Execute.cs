using System.IO.Pipelines;
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
        char delimiter = (char)_delimiter;
        // Each space carries whether its text ended with a newline (GNU's "chomped"): h, g, x and the appending
        // H and G move it with the text, so a last line without one prints without one wherever it went. The hold
        // space starts empty, as if it had had one.
        string hold = string.Empty;
        bool holdNewline = true;
        string? restart = null;
        bool newline = false;
        while (restart is not null || await input.MoveNextAsync().ConfigureAwait(false))
        {
            if (restart is null && input.TakeFileStarted())
            {
                // -s and -i: GNU starts each file afresh (the hold space's flag stays).
                hold = string.Empty;
                ResetRanges(program);
                await RewindReadFilesAsync().ConfigureAwait(false);
            }

            // D restarts the cycle on what it left, without reading a line.
            string space = restart ?? input.Current;
            newline = restart is null ? input.HasNewline : newline;
            _replaced &= restart is not null;
            restart = null;
            bool deleted = false;
            bool endCycle = false;
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
                    case '{' or '}' or ':':
                        break;
                    case 'p':
                        _out.WriteLine(space, newline, _delimiter);
                        break;
                    case 'd':
                        deleted = true;
                        break;
                    case 'D':
                        // GNU: without a newline, as d; else delete up to the first newline and restart the cycle.
                        int first = space.IndexOf(delimiter, StringComparison.Ordinal);
                        restart = first < 0 ? null : space[(first + 1)..];
                        deleted = true;
                        break;
                    case 'h':
                        (hold, holdNewline) = (space, newline);
                        break;
                    case 'H':
                        (hold, holdNewline) = (hold + delimiter + space, newline);
                        break;
                    case 'g':
                        (space, newline) = (hold, holdNewline);
                        break;
                    case 'G':
                        (space, newline) = (space + delimiter + hold, holdNewline);
                        break;
                    case 'x':
                        (space, hold, newline, holdNewline) = (hold, space, holdNewline, newline);
                        break;
                    case '=':
                        WriteInfo(Number(input.LineNumber));
                        break;
                    case 'F':
                        WriteInfo(input.FileName);
                        break;
                    case 'z':
                        space = string.Empty;
                        break;
                    case 'l':
                        WriteList(space, instruction.Width < 0 ? _lineLength : instruction.Width);
                        break;
                    case 's':
                        (space, newline) = await SubstituteCommandAsync(instruction, space, newline).ConfigureAwait(false);
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
                        // GNU keeps the text with its newline and writes it as it is, -z or not.
                        _append.Add((instruction.Text!.Length > 0 ? instruction.Text + "\n" : string.Empty, null));
                        break;
                    case 'r':
                        if (instruction.Prepend)
                        {
                            await CopyFileAsync(instruction.FileName!).ConfigureAwait(false);
                        }
                        else
                        {
                            _append.Add((null, instruction.FileName));
                        }

                        break;
                    case 'R':
                        if (await instruction.ReadFile!.ReadLineAsync(_delimiter, context.CancellationToken).ConfigureAwait(false) is string line)
                        {
                            _append.Add((line, null));
                        }

                        break;
                    case 'w':
                        instruction.Output!.WriteLine(space, newline, _delimiter);
                        break;
                    case 'W':
                        int cut = space.IndexOf(delimiter, StringComparison.Ordinal);
                        instruction.Output!.WriteLine(cut < 0 ? space : space[..cut], cut >= 0 || newline, _delimiter);
                        break;
                    case 'e':
                        if (instruction.Text is null)
                        {
                            (space, newline) = await EvaluateAsync(space, newline).ConfigureAwait(false);
                        }
                        else
                        {
                            string result = await RunShellAsync(instruction.Text).ConfigureAwait(false);
                            _out.EndMissingLine(_delimiter);
                            _out.WriteText(result);
                        }

                        break;
                    case 'i':
                        WriteText(instruction.Text!);
                        break;
                    case 'c':
                        // GNU: the text once for a whole range (at its end), else for every line; then as d.
                        if (instruction.Last is null || instruction.Negate || !instruction.InRange)
                        {
                            WriteText(instruction.Text!);
                        }

                        deleted = true;
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
                        quit = instruction.ExitCode;
                        break;
                    case 'Q':
                        // GNU: Q ends at once; the append queue is never written.
                        quit = instruction.ExitCode;
                        deleted = true;
                        _append.Clear();
                        break;
                    case 'P':
                        int end = space.IndexOf(delimiter, StringComparison.Ordinal);
                        _out.WriteLine(end < 0 ? space : space[..end], end >= 0 || newline, _delimiter);
                        break;
                    case 'N':
                        if (await input.IsLastAsync().ConfigureAwait(false))
                        {
                            // GNU: without a next line (in this file, with -s), N prints the pattern space (unless
                            // -n or --posix) and ends the cycle.
                            endCycle = true;
                            deleted = _program.Posix;
                            break;
                        }

                        await DumpAppendAsync().ConfigureAwait(false);
                        await input.MoveNextAsync().ConfigureAwait(false);
                        space = space + delimiter + input.Current;
                        newline = input.HasNewline;
                        _replaced = false;
                        break;
                    case 'n':
                        if (await input.IsLastAsync().ConfigureAwait(false))
                        {
                            // GNU: without a next line, n ends the cycle (autoprint still happens).
                            endCycle = true;
                            break;
                        }

                        if (!_quiet)
                        {
                            _out.WriteLine(space, newline, _delimiter);
                        }

                        await DumpAppendAsync().ConfigureAwait(false);
                        await input.MoveNextAsync().ConfigureAwait(false);
                        space = input.Current;
                        newline = input.HasNewline;
                        _replaced = false;
                        break;
                }

                if (deleted || endCycle || quit is not null)
                {
                    break;
                }
            }

            if (!deleted && !_quiet)
            {
                _out.WriteLine(space, newline, _delimiter);
            }

            // q writes the queue (and so a pending newline) even when it is empty; Q writes nothing.
            if (quit is null || !deleted)
            {
                await DumpAppendAsync(always: quit is not null).ConfigureAwait(false);
            }

            await FlushAsync(output).ConfigureAwait(false);
            if (quit is int status)
            {
                return status;
            }
        }

        return null;
    }

    private async ValueTask FlushAsync(PipeWriter output)
    {
        if (_unbuffered)
        {
            // -u: every cycle's output is passed on at once, w files included.
            foreach (SedOutput file in _outputs.Values)
            {
                file.FlushFile();
            }

            _out.FlushFile();
            await output.FlushOrStopAsync(_context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            await output.MaybeFlushAsync(_context.CancellationToken).ConfigureAwait(false);
        }

        if (_stderrUsed)
        {
            await _context.Error.FlushAsync(_context.CancellationToken).ConfigureAwait(false);
        }
    }

    // -s and -i: GNU's reset_addresses; 0,/re/ starts open again.
    private static void ResetRanges(List<SedInstruction> program)
    {
        foreach (SedInstruction instruction in program)
        {
            instruction.InRange = instruction.First is { Kind: SedAddressKind.Line, Line: 0 };
            instruction.RangeClosed = false;
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
                instruction.RangeEnd = last.Kind switch
                {
                    SedAddressKind.Plus => line + last.Line,
                    SedAddressKind.Multiple => last.Step <= 0 ? line : ((line / last.Step) + 1) * last.Step,
                    _ => last.Line,
                };
                instruction.InRange = last.Kind switch
                {
                    SedAddressKind.Line or SedAddressKind.Plus or SedAddressKind.Multiple => instruction.RangeEnd > line,
                    _ => true,
                };
                instruction.RangeClosed = !instruction.InRange && first.Kind == SedAddressKind.Line;
            }
        }
        else
        {
            bool end;
            if (last.Kind is SedAddressKind.Line or SedAddressKind.Plus or SedAddressKind.Multiple)
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
}
