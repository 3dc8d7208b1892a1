using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary>Searching one file.</summary>
internal sealed partial class GrepCommand
{
    private enum FileOutcome
    {
        None,
        Selected,
        Quit,
    }

    private enum Next
    {
        Continue,
        StopFile,
        Quit,
    }

    private sealed class FileState(string name)
    {
        public string Name { get; } = name;

        public long Selected { get; set; }

        public bool Binary { get; set; }

        /// <summary>With context: -m was reached, and only the trailing context is left to print.</summary>
        public bool Finishing { get; set; }
    }

    // Context (-A, -B, -C): the last line printed (-1: none yet in this file), whether anything was printed before
    // (a "--" goes between groups, also across files), the trailing lines still to print, and the copies of the
    // unprinted lines that may become leading context.
    private readonly Queue<(long Number, long Offset, byte[] Text)> _leading = new();
    private long _lastPrinted = -1;
    private bool _printedAny;
    private int _trailing;

    // Whether lines go out in groups with context (set once the options are parsed).
    private bool _withContext;

    // The byte that ends a line: NUL with -z.
    private byte _eol = (byte)'\n';

    // -T: the widths line numbers and byte offsets are right-aligned in, for the file being searched (0: none).
    private int _numberWidth;
    private int _offsetWidth;

    // `size`: the input's size when it is a regular file (for -T's widths).
    private async ValueTask<FileOutcome> SearchAsync(StageContext context, PipeReader input, string name, long? size)
    {
        var lines = new GrepSedLines(input, context.Output, _eol);
        try
        {
            return await SearchAsync(context, lines, name, size).ConfigureAwait(false);
        }
        finally
        {
            // The last block may lie in the pipe itself: give it back before the reader is read again or completed.
            lines.Release();
        }
    }

    private async ValueTask<FileOutcome> SearchAsync(StageContext context, GrepSedLines lines, string name, long? size)
    {
        var state = new FileState(name);

        // GNU's -T aligns line numbers to the digits of the file's size plus one and byte offsets to those of its
        // size; 19 digits (the most a 64-bit offset has) when the input has no size.
        _numberWidth = !_options.InitialTab ? 0 : size is long s ? Digits(s + 1) : 19;
        _offsetWidth = !_options.InitialTab ? 0 : size is long t ? Digits(t) : 19;
        long consumed = 0;
        CancellationToken token = context.CancellationToken;
        bool stop = _options.MaxCount == 0;
        long lineNumber = 0;
        bool withContext = _withContext;
        bool fast = _literal is not null && !_options.Invert && !withContext;
        bool countOnly = CountOnly;
        _leading.Clear();
        _lastPrinted = -1;
        _trailing = 0;

        // -v with a fixed string and plain output (no names, numbers, limit or -o): every line between two hits is
        // selected, so whole runs of lines go out (or are counted) at once.
        bool runs = _literal is not null && _options.Invert && !withContext && !_options.Count && !_options.Quiet && !_options.FilesWithMatches
            && !_options.FilesWithoutMatch && !_options.OnlyMatching && !_options.LineNumbers && !_options.ByteOffsets && !_withName && _options.MaxCount < 0 && _colors is null;
        while (!stop)
        {
            (int offset, int length) = await lines.ReadBlockAsync(token).ConfigureAwait(false);
            if (length == 0)
            {
                break;
            }

            byte[] buffer = lines.Buffer;
            int end = offset + length;

            // The input's offset of buffer[0] (-b counts from where grep started reading).
            long at = consumed - offset;
            consumed += length;
            if (countOnly)
            {
                bool binary = false;
                state.Selected += CountSelected(buffer.AsSpan(offset, length), ref _chars, ref binary);
                if (binary && _options.BinaryFiles == GrepBinaryFiles.WithoutMatch)
                {
                    state.Selected = 0;
                    break;
                }

                continue;
            }

            if (BinaryToLines(buffer.AsSpan(offset, length)))
            {
                if (_options.BinaryFiles == GrepBinaryFiles.WithoutMatch)
                {
                    // -I: GNU takes the file for one without a selected line (what was printed before stays).
                    state.Selected = 0;
                    break;
                }

                state.Binary = true;
            }

            int pos = offset;
            if (runs && !state.Binary)
            {
                SelectRuns(context.Output, state, buffer, pos, end);
                await context.Output.MaybeFlushAsync(token).ConfigureAwait(false);
                continue;
            }

            while (pos < end)
            {
                int lineStart;
                int lineEnd;
                if (fast)
                {
                    // One vectorized search over the whole block, then the line around the hit.
                    int hit = buffer.AsSpan(pos, end - pos).IndexOf(_literal);
                    if (hit < 0)
                    {
                        if (_options.LineNumbers)
                        {
                            lineNumber += buffer.AsSpan(pos, end - pos).Count(_eol);
                        }

                        break;
                    }

                    hit += pos;
                    int before = buffer.AsSpan(pos, hit - pos).LastIndexOf(_eol);
                    lineStart = before < 0 ? pos : pos + before + 1;
                    if (_options.LineNumbers)
                    {
                        lineNumber += buffer.AsSpan(pos, lineStart - pos).Count(_eol) + 1;
                    }

                    int after = buffer.AsSpan(hit, end - hit).IndexOf(_eol);
                    lineEnd = after < 0 ? end : hit + after;
                }
                else
                {
                    lineStart = pos;
                    int newline = buffer.AsSpan(pos, end - pos).IndexOf(_eol);
                    lineEnd = newline < 0 ? end : pos + newline;
                    lineNumber++;
                    if (state.Finishing || LineMatches(buffer.AsSpan(lineStart, lineEnd - lineStart), ref _chars) == _options.Invert)
                    {
                        pos = lineEnd + 1;
                        if (withContext && !Unselected(context.Output, state, buffer.AsSpan(lineStart, lineEnd - lineStart), lineNumber, at + lineStart))
                        {
                            stop = true;
                            break;
                        }

                        continue;
                    }
                }

                pos = lineEnd + 1;
                Next next = Select(context.Output, state, buffer, lineStart, lineEnd, lineNumber, at + lineStart);
                if (next == Next.Quit)
                {
                    return FileOutcome.Quit;
                }

                await context.Output.MaybeFlushAsync(token).ConfigureAwait(false);
                if (next == Next.StopFile)
                {
                    stop = true;
                    break;
                }
            }
        }

        PipeWriter output = context.Output;
        if (_options.Quiet)
        {
            // -q prints nothing, not even counts or names.
        }
        else if ((_options.FilesWithMatches && state.Selected > 0) || (_options.FilesWithoutMatch && state.Selected == 0))
        {
            WriteName(output, name);
            output.Write(_options.NullAfterName ? "\0"u8 : "\n"u8);
        }
        else if (_options.Count && !_options.FilesWithMatches && !_options.FilesWithoutMatch)
        {
            WriteCount(output, name, state.Selected);
        }

        if (state.Binary && state.Selected > 0 && !_options.Count && !_options.FilesWithMatches && !_options.FilesWithoutMatch)
        {
            await context.WriteErrorLineAsync($"grep: {name}: binary file matches").ConfigureAwait(false);
        }

        await output.MaybeFlushAsync(token).ConfigureAwait(false);
        return state.Selected > 0 ? FileOutcome.Selected : FileOutcome.None;
    }

    /// <summary>Handles one selected line.</summary>
    // The -v runs: the lines of [pos, end) that do not hold the literal, written (or counted) run by run.
    private void SelectRuns(PipeWriter output, FileState state, byte[] buffer, int pos, int end)
    {
        while (pos < end)
        {
            int hit = buffer.AsSpan(pos, end - pos).IndexOf(_literal);
            int runEnd = end;
            if (hit >= 0)
            {
                int before = buffer.AsSpan(pos, hit).LastIndexOf(_eol);
                runEnd = before < 0 ? pos : pos + before + 1;
            }

            if (runEnd > pos)
            {
                // Only the last line of the input may lack its newline; GNU adds one.
                bool unterminated = buffer[runEnd - 1] != _eol;
                state.Selected += buffer.AsSpan(pos, runEnd - pos).Count(_eol) + (unterminated ? 1 : 0);
                output.Write(buffer.AsSpan(pos, runEnd - pos));
                if (unterminated)
                {
                    output.Write([_eol]);
                }
            }

            if (hit < 0)
            {
                return;
            }

            int after = buffer.AsSpan(pos + hit, end - pos - hit).IndexOf(_eol);
            pos = after < 0 ? end : pos + hit + after + 1;
        }
    }

    private Next Select(PipeWriter output, FileState state, byte[] buffer, int start, int end, long lineNumber, long lineOffset)
    {
        state.Selected++;
        if (_options.Quiet)
        {
            return Next.Quit;
        }

        bool limit = _options.MaxCount > 0 && state.Selected >= _options.MaxCount;
        if (_options.FilesWithMatches || _options.FilesWithoutMatch)
        {
            return Next.StopFile;
        }

        if (_options.Count)
        {
            return limit ? Next.StopFile : Next.Continue;
        }

        if (state.Binary)
        {
            // GNU prints no lines of a binary file: one message (written at the end of the file) instead.
            return Next.StopFile;
        }

        if (_withContext)
        {
            // A group that does not follow the last line printed starts with "--". With -o the context lines are
            // counted as printed but not shown, as GNU does.
            long groupStart = _leading.TryPeek(out (long Number, long Offset, byte[] Text) first) ? first.Number : lineNumber;
            if (_printedAny && groupStart != _lastPrinted + 1 && _options.GroupSeparator is string separator)
            {
                WriteColored(output, Encoding.UTF8.GetBytes(separator), _colors?.Separator);
                output.Write("\n"u8);
            }

            bool visible = !_options.OnlyMatching;
            while (_leading.TryDequeue(out (long Number, long Offset, byte[] Text) before))
            {
                WriteContextLine(output, state.Name, before.Text, before.Number, before.Offset, (byte)'-', visible);
            }

            if (visible)
            {
                WriteContextLine(output, state.Name, buffer.AsSpan(start, end - start), lineNumber, lineOffset, (byte)':', true);
            }
            else
            {
                WriteOnlyMatching(output, state, buffer, start, end, lineNumber, lineOffset);
                (_lastPrinted, _printedAny) = (lineNumber, true);
            }

            _trailing = _options.After;
            if (limit)
            {
                // GNU prints the trailing context of the last line -m lets through.
                state.Finishing = true;
                return _trailing > 0 ? Next.Continue : Next.StopFile;
            }
        }
        else if (!_options.OnlyMatching)
        {
            WritePrefix(output, state.Name, lineNumber, lineOffset, (byte)':', end - start);
            WriteLineText(output, buffer.AsSpan(start, end - start), selected: true);
            output.Write([_eol]);
        }
        else
        {
            WriteOnlyMatching(output, state, buffer, start, end, lineNumber, lineOffset);
        }

        return limit ? Next.StopFile : Next.Continue;
    }

    // -o: each nonempty match of the line on a line of its own (none with -v).
    private void WriteOnlyMatching(PipeWriter output, FileState state, byte[] buffer, int start, int end, long lineNumber, long lineOffset)
    {
        if (!_options.Invert && _regex is not null)
        {
            string line = Encoding.Latin1.GetString(buffer, start, end - start);
            int pos = 0;
            while (NextMatch(line, ref pos, out int s, out int e))
            {
                WritePrefix(output, state.Name, lineNumber, lineOffset + s, (byte)':', e - s);
                WriteColored(output, buffer.AsSpan(start + s, e - s), _colors?.SelectedMatch);
                output.Write([_eol]);
            }
        }
    }

    // The next nonempty match in the line at or after `pos` (an empty one is stepped over, as GNU does); `pos` moves
    // past it.
    private bool NextMatch(string line, ref int pos, out int start, out int end)
    {
        while (pos <= line.Length && _regex!.Match(line, pos, _captures))
        {
            (start, end) = (_captures[0], _captures[1]);
            if (end > start)
            {
                pos = end;
                return true;
            }

            pos = start + 1;
        }

        start = end = 0;
        return false;
    }

    // A line that is not selected, with context: trailing context, or kept as possible leading context. False when
    // -m was reached and the trailing context is done: stop reading.
    private bool Unselected(PipeWriter output, FileState state, ReadOnlySpan<byte> line, long lineNumber, long lineOffset)
    {
        if (state.Binary)
        {
            return !state.Finishing;
        }

        if (_trailing > 0)
        {
            WriteContextLine(output, state.Name, line, lineNumber, lineOffset, (byte)'-', !_options.OnlyMatching);
            _trailing--;
            return !state.Finishing || _trailing > 0;
        }

        if (state.Finishing)
        {
            return false;
        }

        if (_options.Before > 0)
        {
            if (_leading.Count == _options.Before)
            {
                _leading.Dequeue();
            }

            _leading.Enqueue((lineNumber, lineOffset, line.ToArray()));
        }

        return true;
    }
}
