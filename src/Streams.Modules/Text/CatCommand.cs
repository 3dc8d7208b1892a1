using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>cat [-AbeEnstTuv] [FILE]...</c>: concatenates files (<c>-</c> or none: standard input).</summary>
internal sealed class CatCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: cat [OPTION]... [FILE]...
        Concatenate FILE(s) to standard output.

        With no FILE, or when FILE is -, read standard input.

          -A, --show-all           equivalent to -vET
          -b, --number-nonblank    number nonempty output lines, overrides -n
          -e                       equivalent to -vE
          -E, --show-ends          display $ at end of each line
          -n, --number             number all output lines
          -s, --squeeze-blank      suppress repeated empty output lines
          -t                       equivalent to -vT
          -T, --show-tabs          display TAB characters as ^I
          -u                       (ignored)
          -v, --show-nonprinting   use ^ and M- notation, except for LFD and TAB
              --help        display this help and exit
        """;

    private static readonly LongOption[] Longs =
    [
        new("number-nonblank", false, 'b'), new("show-ends", false, 'E'), new("number", false, 'n'),
        new("show-all", false, 'A'), new("squeeze-blank", false, 's'), new("show-tabs", false, 'T'),
        new("show-nonprinting", false, 'v'),
    ];

    private long _lineNumber;
    private bool _atLineStart = true;
    private bool _number;
    private bool _nonBlank;
    private bool _ends;
    private bool _pendingCr;
    private bool _squeeze;
    private bool _tabs;
    private bool _nonPrinting;
    private bool _lastBlank;

    /// <inheritdoc />
    public override string Name => "cat";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "AbeEnstTuv", Longs);
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
        _ends = args.Has('E') || args.Has('A') || args.Has('e');
        _tabs = args.Has('T') || args.Has('A') || args.Has('t');
        _nonPrinting = args.Has('v') || args.Has('A') || args.Has('e') || args.Has('t');
        _squeeze = args.Has('s');
        List<string> files = args.Operands.Count == 0 ? ["-"] : args.Operands;
        int status = 0;
        bool plain = !_number && !_ends && !_tabs && !_nonPrinting && !_squeeze;
        foreach (string file in files)
        {
            if (IsOutputFile(context, file))
            {
                await context.WriteErrorLineAsync($"cat: {file}: input file is output file").ConfigureAwait(false);
                status = 1;
                continue;
            }

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

    /// <summary>Whether <paramref name="file"/> is the regular file the output goes to and has bytes left to read:
    /// GNU cat refuses it ("input file is output file"), as copying it would grow the file for ever.</summary>
    private static bool IsOutputFile(StageContext context, string file)
    {
        (ulong, ulong) output;
        if (!(context.OutputDescriptor is int fd && FileKinds.OfDescriptor(fd, out output, out _) == FileKind.Regular)
            && !(context.OutputPath is string outputPath && FileKinds.Of(outputPath, followLinks: true, out output) == FileKind.Regular))
        {
            return false;
        }

        (ulong, ulong) input;
        long size;
        long offset = 0;
        FileKind kind;
        if (file == "-" || StandardNames.IsInput(file))
        {
            if (context.InputDescriptor is int descriptor)
            {
                kind = FileKinds.OfDescriptor(descriptor, out input, out size);
                offset = FileParts.Offset(descriptor);
            }
            else if (context.InputPath is string inputPath)
            {
                kind = FileKinds.Of(inputPath, followLinks: true, out input, out size);
            }
            else
            {
                return false;
            }
        }
        else
        {
            kind = FileKinds.Of(context.ResolvePath(file), followLinks: true, out input, out size);
        }

        return kind == FileKind.Regular && input == output && offset >= 0 && offset < size;
    }

    // True when the kernel copied it all; else the reader to go on with (null: open the file the ordinary way).
    private static async ValueTask<(bool Done, PipeReader? Remainder)> TryKernelCopyAsync(StageContext context, string file, int output)
    {
        if (file == "-" || StandardNames.IsInput(file))
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
                if (_number || _ends || _tabs || _nonPrinting || _squeeze)
                {
                    Show(segment.Span, output);
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

    // Every option but -u, as GNU cat: a repeated empty line (-s) is dropped before it is numbered (-n, -b); with -v
    // every byte but newline and tab is shown in ^ and M- notation (a CR too, so no CRLF needs holding back).
    private void Show(ReadOnlySpan<byte> span, PipeWriter output)
    {
        while (!span.IsEmpty)
        {
            if (_atLineStart)
            {
                bool blank = span[0] == '\n';
                if (_squeeze && blank && _lastBlank)
                {
                    span = span[1..];
                    continue;
                }

                _lastBlank = blank;
                if (_number && !(_nonBlank && blank))
                {
                    CommandIO.WriteNumber(output, ++_lineNumber, 6);
                    output.Write("\t"u8);
                }
            }

            int newline = span.IndexOf((byte)'\n');
            ReadOnlySpan<byte> text = newline < 0 ? span : span[..newline];
            bool crlf = false;
            if (!_nonPrinting && _ends)
            {
                // Without -v, -E still shows the CR of a CRLF as ^M; a CR ending this buffer waits for the next.
                if (_pendingCr)
                {
                    if (newline == 0)
                    {
                        crlf = true;
                    }
                    else
                    {
                        output.Write("\r"u8);
                    }

                    _pendingCr = false;
                }

                if (newline < 0 && text.Length > 0 && text[^1] == '\r')
                {
                    _pendingCr = true;
                    text = text[..^1];
                }
                else if (newline > 0 && text[^1] == '\r')
                {
                    crlf = true;
                    text = text[..^1];
                }
            }

            WriteShown(text, output);
            if (newline < 0)
            {
                _atLineStart = false;
                return;
            }

            output.Write(crlf ? "^M"u8 : default);
            output.Write(_ends ? "$\n"u8 : "\n"u8);
            _atLineStart = true;
            span = span[(newline + 1)..];
        }
    }

    private void WriteShown(ReadOnlySpan<byte> text, PipeWriter output)
    {
        if (!_nonPrinting && !_tabs)
        {
            output.Write(text);
            return;
        }

        foreach (byte b in text)
        {
            if (b == '\t')
            {
                output.Write(_tabs ? "^I"u8 : "\t"u8);
            }
            else if (!_nonPrinting || b is >= 32 and < 127)
            {
                output.Write([b]);
            }
            else
            {
                // GNU's notation: M- for the high bit, then ^X for a control character and ^? for DEL.
                int c = b;
                if (c >= 128)
                {
                    output.Write("M-"u8);
                    c -= 128;
                }

                if (c < 32)
                {
                    output.Write([(byte)'^', (byte)(c + 64)]);
                }
                else if (c == 127)
                {
                    output.Write("^?"u8);
                }
                else
                {
                    output.Write([(byte)c]);
                }
            }
        }
    }
}
