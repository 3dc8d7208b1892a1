using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>tac [-b] [-s SEPARATOR] [FILE]...</c>: prints each file's lines (records ended by SEPARATOR, or
/// started by it with <c>-b</c>) last first.</summary>
/// <remarks>A separator is found searching backwards from the end, as GNU's tac finds it, so overlapping
/// separators (<c>-s aa</c> on <c>aaa</c>) split where GNU's do. An empty separator leaves the input whole. GNU's
/// <c>-r</c> (a regular expression as the separator) is not there.</remarks>
internal sealed class TacCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: tac [OPTION]... [FILE]...
        Write each FILE to standard output, last line first.

        With no FILE, or when FILE is -, read standard input.

          -b, --before             attach the separator before instead of after
          -s, --separator=STRING   use STRING as the separator instead of newline
              --help        display this help and exit
        """;

    private static readonly LongOption[] Longs = [new("before", false, 'b'), new("separator", true, 's')];

    private byte[] _separator = [(byte)'\n'];
    private bool _before;

    /// <inheritdoc />
    public override string Name => "tac";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "bs:", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        foreach ((char key, string? value) in args.Options)
        {
            if (key == 'b')
            {
                _before = true;
            }
            else
            {
                _separator = CommandIO.ArgumentBytes(value!);
            }
        }

        int status = 0;
        foreach (string file in args.Operands.Count == 0 ? ["-"] : args.Operands)
        {
            if (file != "-" && OpenRegular(context.ResolvePath(file)) is FileStream regular)
            {
                await using (regular.ConfigureAwait(false))
                {
                    await ReverseFileAsync(context, regular, regular.Length).ConfigureAwait(false);
                }

                continue;
            }

            PipeReader? reader = await CommandIO.OpenAsync(context, Name, file, "failed to open '{0}' for reading").ConfigureAwait(false);
            if (reader == null)
            {
                status = 1;
                continue;
            }

            try
            {
                if (!await ReverseStreamAsync(context, reader).ConfigureAwait(false))
                {
                    status = 1;
                }
            }
            finally
            {
                await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
            }
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return status;
    }

    /// <summary>How much of a stream (stdin, a pipe) is held in memory; past it the whole input goes to a
    /// temporary file read backwards, as GNU tac does with any unseekable input. Tests lower it.</summary>
    internal long MemoryLimit { get; init; } = 256L << 20;

    /// <summary>The size of the blocks a file is read in from its end.</summary>
    internal int BlockSize { get; init; } = 64 * 1024;

    private static FileStream? OpenRegular(string path)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            if (stream.CanSeek)
            {
                return stream;
            }

            stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // CommandIO.OpenAsync reports it with GNU's wording.
        }

        return null;
    }

    /// <summary>Reverses a stream: in memory up to <see cref="MemoryLimit"/>, else through a temporary file;
    /// false after reporting a temporary file that could not be written.</summary>
    private async ValueTask<bool> ReverseStreamAsync(StageContext context, PipeReader reader)
    {
        var memory = new MemoryStream();
        FileStream? spill = null;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(context.CancellationToken).ConfigureAwait(false);
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    if (spill == null && memory.Length + segment.Length > MemoryLimit)
                    {
                        string directory = Path.GetTempPath();
                        try
                        {
                            spill = new FileStream(Path.Combine(directory, $"tac{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                        }
                        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                        {
                            reader.AdvanceTo(result.Buffer.End);
                            await context.WriteErrorLineAsync($"tac: cannot create temporary file in '{directory.TrimEnd('/')}': {CommandIO.Reason(ex)}").ConfigureAwait(false);
                            return false;
                        }

                        await spill.WriteAsync(memory.GetBuffer().AsMemory(0, (int)memory.Length), context.CancellationToken).ConfigureAwait(false);
                        memory = new MemoryStream();
                    }

                    if (spill != null)
                    {
                        await spill.WriteAsync(segment, context.CancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        memory.Write(segment.Span);
                    }
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            if (spill != null)
            {
                await spill.FlushAsync(context.CancellationToken).ConfigureAwait(false);
                await ReverseFileAsync(context, spill, spill.Length).ConfigureAwait(false);
            }
            else
            {
                await ReverseAsync(context, memory.GetBuffer().AsMemory(0, (int)memory.Length), atStart: true).ConfigureAwait(false);
            }

            return true;
        }
        catch (IOException ex) when (spill != null && ex is not BrokenPipeException)
        {
            await context.WriteErrorLineAsync($"tac: {Path.GetTempPath().TrimEnd('/')}: {CommandIO.Reason(ex)}").ConfigureAwait(false);
            return false;
        }
        finally
        {
            if (spill != null)
            {
                await spill.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes the file's lines last first, reading it from its end in blocks: any size, and only a
    /// block (plus the longest line) in memory.</summary>
    private async ValueTask ReverseFileAsync(StageContext context, FileStream file, long length)
    {
        // The unfinished line carried to the next block sits at buffer[from..to]; each block is read just
        // before it, so a long line is copied only when the buffer grows.
        byte[] buffer = new byte[(int)Math.Min(length, 2L * BlockSize)];
        int from = buffer.Length, to = buffer.Length;
        long end = length;
        while (end > 0)
        {
            int size = (int)Math.Min(BlockSize, end);
            long start = end - size;
            if (from < size)
            {
                int carried = to - from;
                byte[] larger = new byte[(int)Math.Min(Math.Max(2L * (carried + size), carried + size), Array.MaxLength)];
                buffer.AsSpan(from, carried).CopyTo(larger.AsSpan(larger.Length - carried));
                (buffer, from, to) = (larger, larger.Length - carried, larger.Length);
            }

            from -= size;
            int got = 0;
            while (got < size)
            {
                int n = await RandomAccess.ReadAsync(file.SafeFileHandle, buffer.AsMemory(from + got, size - got), start + got, context.CancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException("the file shrank while tac read it");
                }

                got += n;
            }

            // Only a separator that starts in the new block can end the carried line: without one, nothing is
            // complete yet (and a long line is not searched again for every block).
            if (start == 0 || (_separator.Length > 0 && buffer.AsSpan(from, Math.Min(size + _separator.Length - 1, to - from)).IndexOf(_separator) >= 0))
            {
                to = from + await ReverseAsync(context, buffer.AsMemory(from, to - from), atStart: start == 0).ConfigureAwait(false);
            }

            end = start;
        }
    }

    /// <summary>Writes the complete records of <paramref name="data"/> last first and returns the length of its
    /// first, unfinished record (0 when <paramref name="atStart"/>: the data starts the input, so it is written
    /// too). A record is its bytes and the separator after them (before them with <c>-b</c>); the input's last
    /// record may have none (its first, with <c>-b</c>).</summary>
    private async ValueTask<int> ReverseAsync(StageContext context, ReadOnlyMemory<byte> data, bool atStart)
    {
        byte[] separator = _separator;
        if (separator.Length == 0)
        {
            // Nothing separates: the input is one record.
            if (atStart)
            {
                context.Output.Write(data.Span);
            }

            return atStart ? 0 : data.Length;
        }

        int end = data.Length;
        while (end > 0)
        {
            int found, start;
            if (_before)
            {
                found = data.Span[..end].LastIndexOf(separator);
                start = Math.Max(0, found);
            }
            else
            {
                int searchEnd = data.Span[..end].EndsWith(separator) ? end - separator.Length : end;
                found = data.Span[..searchEnd].LastIndexOf(separator);
                start = found < 0 ? 0 : found + separator.Length;
            }

            if (found < 0 && !atStart)
            {
                // The record starts before this data: it is carried to the next block.
                return end;
            }

            context.Output.Write(data.Span[start..end]);
            end = start;
            await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
        }

        return 0;
    }
}
