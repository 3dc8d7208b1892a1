using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>cat [-nbE] [FILE]...</c>: concatenates files (<c>-</c> or none: standard input).</summary>
internal sealed class CatCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: cat [OPTION]... [FILE]...
        Concatenate FILE(s) to standard output.

        With no FILE, or when FILE is -, read standard input.

          -b, --number-nonblank    number nonempty output lines, overrides -n
          -E, --show-ends          display $ at end of each line
          -n, --number             number all output lines
          -u                       (ignored)
              --help        display this help and exit
        """;

    private static readonly LongOption[] Longs =
    [
        new("number-nonblank", false, 'b'), new("show-ends", false, 'E'), new("number", false, 'n'),
    ];

    private long _lineNumber;
    private bool _atLineStart = true;
    private bool _number;
    private bool _nonBlank;
    private bool _ends;
    private bool _pendingCr;

    /// <inheritdoc />
    public override string Name => "cat";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "bEnu", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        _nonBlank = args.Has('b');
        _number = _nonBlank || args.Has('n');
        _ends = args.Has('E');
        List<string> files = args.Operands.Count == 0 ? ["-"] : args.Operands;
        int status = 0;
        bool plain = !_number && !_ends;
        foreach (string file in files)
        {
            PipeReader? reader = null;
            if (plain && context.OutputDescriptor is int output)
            {
                // Plain cat from a regular file to a descriptor: the kernel copies (copy_file_range or sendfile),
                // as GNU cat does. What it cannot copy goes the ordinary way below, from where it stopped.
                (bool done, reader) = await TryKernelCopyAsync(context, file, output).ConfigureAwait(false);
                if (done)
                {
                    continue;
                }
            }

            reader ??= await CommandIO.OpenAsync(context, Name, file).ConfigureAwait(false);
            if (reader == null)
            {
                status = 1;
                continue;
            }

            try
            {
                await CopyAsync(reader, context.Output, context.CancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (ex is not (BrokenPipeException or WriteErrorException))
            {
                // A file that cannot be read is reported and skipped; a write error stops cat (GNU: "cat: write
                // error: …", once).
                await context.WriteErrorLineAsync($"cat: {file}: {CommandIO.Reason(ex)}").ConfigureAwait(false);
                status = 1;
            }
            finally
            {
                await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
            }
        }

        if (_pendingCr)
        {
            context.Output.Write("\r"u8);
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return status;
    }

    // True when the kernel copied it all; else the reader to go on with (null: open the file the ordinary way).
    private static async ValueTask<(bool Done, PipeReader? Remainder)> TryKernelCopyAsync(StageContext context, string file, int output)
    {
        if (file == "-")
        {
            // The shell's own stdin, untouched so far, when it is a regular file.
            if (context.InputDescriptor is not int input || context.InputLength is null)
            {
                return (false, null);
            }

            await context.Output.FlushPendingAsync(context.CancellationToken).ConfigureAwait(false);
            return (KernelCopy.TryCopy(input, output, context.CancellationToken), null);
        }

        SafeFileHandle handle;
        try
        {
            string path = context.ResolvePath(file);
            if (Directory.Exists(path))
            {
                return (false, null);
            }

            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The ordinary way reports it as GNU cat does.
            return (false, null);
        }

        SafeFileHandle? owned = handle;
        try
        {
            // Whatever the kernel cannot copy from (a FIFO, a terminal) it refuses at once, and the rest goes the
            // ordinary way.
            await context.Output.FlushPendingAsync(context.CancellationToken).ConfigureAwait(false);
            if (KernelCopy.TryCopy((int)handle.DangerousGetHandle(), output, context.CancellationToken))
            {
                return (true, null);
            }

            // The kernel stopped (or never started): a stream over the same descriptor goes on from its offset and
            // owns the handle from here.
            var stream = new FileStream(handle, FileAccess.Read, 1);
            owned = null;
            return (false, PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: StageIO.BatchSize, minimumReadSize: StageIO.BatchSize / 2)));
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private async ValueTask CopyAsync(PipeReader reader, PipeWriter output, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await IdleFlush.ReadAsync(reader, output, cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                if (_number || _ends)
                {
                    Decorate(segment.Span, output);
                }
                else
                {
                    output.Write(segment.Span);
                }
            }

            reader.AdvanceTo(buffer.End);
            await output.MaybeFlushAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                return;
            }
        }
    }

    private void Decorate(ReadOnlySpan<byte> span, PipeWriter output)
    {
        while (!span.IsEmpty)
        {
            if (_atLineStart && _number && !(_nonBlank && span[0] == '\n'))
            {
                CommandIO.WriteNumber(output, ++_lineNumber, 6);
                output.Write("\t"u8);
            }

            int newline = span.IndexOf((byte)'\n');
            if (newline < 0)
            {
                if (_pendingCr)
                {
                    output.Write("\r"u8);
                    _pendingCr = false;
                }

                // A CR at the end of a buffer may be the first half of a CRLF: hold it back.
                _pendingCr = _ends && span[^1] == '\r';
                output.Write(_pendingCr ? span[..^1] : span);
                _atLineStart = false;
                return;
            }

            if (_ends && newline > 0 && span[newline - 1] == '\r')
            {
                // GNU cat -E shows the CR of a CRLF as ^M.
                output.Write(span[..(newline - 1)]);
                output.Write("^M$\n"u8);
            }
            else if (_ends && newline == 0 && _pendingCr)
            {
                output.Write("^M$\n"u8);
            }
            else
            {
                if (_pendingCr)
                {
                    output.Write("\r"u8);
                }

                output.Write(span[..newline]);
                output.Write(_ends ? "$\n"u8 : "\n"u8);
            }

            _pendingCr = false;
            _atLineStart = true;
            span = span[(newline + 1)..];
        }
    }
}
