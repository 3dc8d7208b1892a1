using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>head [-n [-]K | -c [-]K] [-qvz] [FILE]...</c>: prints the first part of files.</summary>
internal sealed class HeadCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: head [OPTION]... [FILE]...
        Print the first 10 lines of each FILE to standard output.
        With more than one FILE, precede each with a header giving the file name.

        With no FILE, or when FILE is -, read standard input.

          -c, --bytes=[-]NUM       print the first NUM bytes of each file;
                                     with the leading '-', print all but the last
                                     NUM bytes of each file
          -n, --lines=[-]NUM       print the first NUM lines instead of the first 10;
                                     with the leading '-', print all but the last
                                     NUM lines of each file
          -q, --quiet, --silent    never print headers giving file names
          -v, --verbose            always print headers giving file names
          -z, --zero-terminated    line delimiter is NUL, not newline
              --help        display this help and exit

        NUM may have a multiplier suffix: b 512, kB 1000, K 1024, MB 1000*1000, M 1024*1024, and so on.
        """;

    private static readonly LongOption[] Longs =
    [
        new("bytes", true, 'c'), new("lines", true, 'n'), new("quiet", false, 'q'), new("silent", false, 'q'), new("verbose", false, 'v'),
        new("zero-terminated", false, 'z'),
    ];

    /// <inheritdoc />
    public override string Name => "head";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(Obsolete(context.Arguments), "c:n:qvz", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        bool bytes = false;
        long count = 10;
        bool allBut = false;
        bool? headers = null;
        foreach ((char key, string? value) in args.Options)
        {
            if (key is 'c' or 'n')
            {
                bytes = key == 'c';
                string text = value!;
                allBut = text.StartsWith('-');
                if (!Counts.TryParseSize(allBut ? text[1..] : text, out count))
                {
                    return await CommandIO.FailAsync(context, Name, $"invalid number of {(bytes ? "bytes" : "lines")}: '{text}'").ConfigureAwait(false);
                }
            }
            else if (key is 'q' or 'v')
            {
                headers = key == 'v';
            }
        }

        byte eol = args.Has('z') ? (byte)0 : (byte)'\n';

        List<string> files = args.Operands.Count == 0 ? ["-"] : args.Operands;
        bool showHeaders = headers ?? files.Count > 1;
        int status = 0;
        bool first = true;
        foreach (string file in files)
        {
            if (file != "-" && Directory.Exists(context.ResolvePath(file)))
            {
                // GNU opens a directory and fails to read it: header first, then "error reading".
                if (showHeaders)
                {
                    context.Output.WriteUtf8($"{(first ? "" : "\n")}==> {file} <==\n");
                }

                first = false;
                await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
                status = await CommandIO.FailAsync(context, Name, $"error reading '{file}': Is a directory").ConfigureAwait(false);
                continue;
            }

            PipeReader? reader = await CommandIO.OpenAsync(context, Name, file, "cannot open '{0}' for reading").ConfigureAwait(false);
            if (reader == null)
            {
                status = 1;
                continue;
            }

            if (showHeaders)
            {
                context.Output.WriteUtf8($"{(first ? "" : "\n")}==> {(file == "-" ? "standard input" : file)} <==\n");
            }

            first = false;
            try
            {
                if (allBut)
                {
                    byte[] data = await reader.ReadAllBytesAsync(context.CancellationToken).ConfigureAwait(false);
                    int keep = bytes ? (int)Math.Max(0, data.Length - Math.Min(count, data.Length)) : TailCommand.StartOfLastLines(data, count, eol);
                    context.Output.Write(data.AsSpan(0, keep));
                }
                else
                {
                    await CopyFirstAsync(reader, context.Output, count, bytes, eol, context.CancellationToken).ConfigureAwait(false);
                }

                await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
            }
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return status;
    }

    /// <summary>Turns the obsolete <c>-5</c> / <c>-5c</c> first argument into <c>-n 5</c> / <c>-c 5</c>.</summary>
    internal static IReadOnlyList<string> Obsolete(IReadOnlyList<string> args)
    {
        if (args.Count > 0 && args[0].Length > 1 && args[0][0] == '-' && char.IsAsciiDigit(args[0][1]))
        {
            string a = args[0];
            int end = 1;
            while (end < a.Length && char.IsAsciiDigit(a[end]))
            {
                end++;
            }

            string suffix = a[end..];
            string option = suffix.Contains('c', StringComparison.Ordinal) ? "-c" : "-n";
            var list = new List<string> { option, a[1..end] };
            if (suffix.Contains('q', StringComparison.Ordinal))
            {
                list.Add("-q");
            }

            if (suffix.Contains('v', StringComparison.Ordinal))
            {
                list.Add("-v");
            }

            list.AddRange(args.Skip(1));
            return list;
        }

        return args;
    }

    private static async ValueTask CopyFirstAsync(PipeReader reader, PipeWriter output, long count, bool bytes, byte eol, CancellationToken cancellationToken)
    {
        long remaining = count;
        while (remaining > 0)
        {
            ReadResult result = await IdleFlush.ReadAsync(reader, output, cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            long taken = 0;
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                int length = bytes ? (int)Math.Min(remaining, segment.Length) : TakeLines(segment.Span, ref remaining, eol);
                output.Write(segment.Span[..length]);
                taken += length;
                if (bytes)
                {
                    remaining -= length;
                }

                if (remaining == 0)
                {
                    break;
                }
            }

            reader.AdvanceTo(buffer.GetPosition(taken));
            await output.MaybeFlushAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
    }

    private static int TakeLines(ReadOnlySpan<byte> span, ref long remaining, byte eol)
    {
        int at = 0;
        while (remaining > 0)
        {
            int newline = span[at..].IndexOf(eol);
            if (newline < 0)
            {
                return span.Length;
            }

            at += newline + 1;
            remaining--;
        }

        return at;
    }
}
