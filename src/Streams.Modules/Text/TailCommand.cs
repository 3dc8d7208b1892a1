using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>tail [-n [+]K | -c [+]K] [-f | -F] [-qv] [FILE]...</c>: prints the last part of files, and with
/// <c>-f</c> (by descriptor) or <c>-F</c> (by name, retrying) follows them as they grow until cancelled.</summary>
internal sealed partial class TailCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: tail [OPTION]... [FILE]...
        Print the last 10 lines of each FILE to standard output.
        With more than one FILE, precede each with a header giving the file name.

        With no FILE, or when FILE is -, read standard input.

          -c, --bytes=[+]NUM       output the last NUM bytes; or use -c +NUM to
                                     output starting with byte NUM of each file
          -f, --follow[={name|descriptor}]
                                   output appended data as the file grows;
                                     an absent option argument means 'descriptor'
          -F                       same as --follow=name --retry
          -n, --lines=[+]NUM       output the last NUM lines, instead of the last 10;
                                     or use -n +NUM to skip NUM-1 lines at the start
              --max-unchanged-stats=N
                                   accepted for GNU's sake: every check here looks at
                                     the name again
              --pid=PID            with -f, terminate after process ID, PID dies
          -q, --quiet, --silent    never output headers giving file names
              --retry              keep trying to open a file if it is inaccessible
          -s, --sleep-interval=N   with -f, sleep about N seconds (default 1.0) between checks
          -v, --verbose            always output headers giving file names
          -z, --zero-terminated    line delimiter is NUL, not newline
              --help        display this help and exit
        """;

    private static readonly LongOption[] Longs =
    [
        new("bytes", true, 'c'), new("lines", true, 'n'), new("follow", true, 'f', OptionalArgument: true), new("quiet", false, 'q'),
        new("silent", false, 'q'), new("verbose", false, 'v'), new("sleep-interval", true, 's'), new("retry", false, RetryKey),
        new("pid", true, PidKey), new("max-unchanged-stats", true, UnchangedKey),
        new("zero-terminated", false, 'z'),
    ];

    private const char RetryKey = '\u0002';
    private const char PidKey = '\u0003';
    private const char UnchangedKey = '\u0004';

    private string? _lastHeader;

    // The line delimiter: NUL with -z.
    private byte _eol = (byte)'\n';

    /// <inheritdoc />
    public override string Name => "tail";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyList<string> arguments = Obsolete(context.Arguments);
        if (arguments.Count > 0 && arguments[0].Length > 1 && arguments[0][0] == '-' && char.IsAsciiDigit(arguments[0][1]))
        {
            return await CommandIO.FailAsync(context, Name, $"option used in invalid context -- {arguments[0][1]}").ConfigureAwait(false);
        }

        GnuArgs args = GnuArgs.Parse(arguments, "c:n:fFqvs:z", Longs);
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
        bool fromStart = false;
        bool? headers = null;
        double sleep = 1.0;
        FollowMode follow = FollowMode.None;
        bool retry = false;
        int? pid = null;
        foreach ((char key, string? value) in args.Options)
        {
            if (key == 'f')
            {
                follow = value switch
                {
                    null or "descriptor" => FollowMode.Descriptor,
                    "name" => FollowMode.Name,
                    _ => FollowMode.None,
                };
                if (follow == FollowMode.None)
                {
                    return await CommandIO.UsageAsync(context, Name, $"invalid argument '{value}' for '--follow'\nValid arguments are:\n  - 'descriptor'\n  - 'name'").ConfigureAwait(false);
                }

                continue;
            }

            if (key == 'F')
            {
                (follow, retry) = (FollowMode.Name, true);
                continue;
            }

            if (key == RetryKey)
            {
                retry = true;
                continue;
            }

            if (key is PidKey or UnchangedKey)
            {
                if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number) || (key == PidKey && number == 0))
                {
                    return await CommandIO.FailAsync(context, Name, key == PidKey ? $"invalid PID: '{value}'" : $"invalid maximum number of unchanged stats between opens: '{value}'").ConfigureAwait(false);
                }

                pid = key == PidKey ? number : pid;
                continue;
            }

            if (key is 'c' or 'n')
            {
                bytes = key == 'c';
                string text = value!;
                fromStart = text.StartsWith('+');
                if (!Counts.TryParseSize(text.StartsWith('-') ? text[1..] : text, out count))
                {
                    return await CommandIO.FailAsync(context, Name, $"invalid number of {(bytes ? "bytes" : "lines")}: '{text}'").ConfigureAwait(false);
                }
            }
            else if (key == 's')
            {
                if (!double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out sleep) || sleep < 0)
                {
                    return await CommandIO.FailAsync(context, Name, $"invalid number of seconds: '{value}'").ConfigureAwait(false);
                }
            }
            else if (key is 'q' or 'v')
            {
                headers = key == 'v';
            }
        }

        _eol = args.Has('z') ? (byte)0 : (byte)'\n';

        if (retry && follow != FollowMode.Name)
        {
            await context.WriteErrorLineAsync(follow == FollowMode.None
                ? "tail: warning: --retry ignored; --retry is useful only when following"
                : "tail: warning: --retry only effective for the initial open").ConfigureAwait(false);
        }

        if (pid is not null && follow == FollowMode.None)
        {
            await context.WriteErrorLineAsync("tail: warning: PID ignored; --pid=PID is useful only when following").ConfigureAwait(false);
        }

        if (count == 0 && !fromStart && follow == FollowMode.None)
        {
            // As GNU: nothing would be output, so no file is opened and no header written (a missing file is no
            // error).
            return 0;
        }

        List<string> files = args.Operands.Count == 0 ? ["-"] : args.Operands;
        bool showHeaders = headers ?? files.Count > 1;
        int status = 0;
        var followed = new List<Followed>();
        foreach (string file in files)
        {
            if (file != "-" && Directory.Exists(context.ResolvePath(file)))
            {
                // GNU opens a directory and fails to read it: header first, then "error reading".
                if (showHeaders)
                {
                    WriteHeader(context.Output, file);
                }

                await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
                status = await CommandIO.FailAsync(context, Name, $"error reading '{file}': Is a directory").ConfigureAwait(false);
                continue;
            }

            PipeReader? reader = await CommandIO.OpenAsync(context, Name, file, "cannot open '{0}' for reading").ConfigureAwait(false);
            if (reader == null)
            {
                status = 1;
                if (retry && follow != FollowMode.None && file != "-")
                {
                    // --retry: it is followed once it can be opened.
                    followed.Add(new Followed(file, context.ResolvePath(file), 0));
                }

                continue;
            }

            if (showHeaders)
            {
                WriteHeader(context.Output, file);
            }

            // Followed from the file opened now: renamed before the first check, it is still the one followed by
            // descriptor, and by name it is seen to have gone.
            Followed? next = follow == FollowMode.None || file == "-" ? null : Followed.Open(file, context.ResolvePath(file));
            try
            {
                if (!fromStart && file != "-" && File.Exists(context.ResolvePath(file)))
                {
                    // A regular file: read only as much of its end as the count needs.
                    long length = await WriteEndOfFileAsync(context, context.ResolvePath(file), count, bytes, _eol).ConfigureAwait(false);
                    next?.Add(followed, length);
                    await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
                    continue;
                }

                long size;
                if (fromStart)
                {
                    // +K streams: skip, then pass the rest on as it comes.
                    size = await CopyFromAsync(reader, context.Output, count, bytes, _eol, context.CancellationToken).ConfigureAwait(false);
                }
                else
                {
                    byte[] data = await reader.ReadAllBytesAsync(context.CancellationToken).ConfigureAwait(false);
                    int start = bytes ? (int)(data.Length - Math.Min(count, data.Length)) : StartOfLastLines(data, count, _eol);
                    context.Output.Write(data.AsSpan(start));
                    size = data.Length;
                }

                next?.Add(followed, size);
            }
            finally
            {
                await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
                if (next is not null && !followed.Contains(next))
                {
                    next.Handle?.Dispose();
                }
            }

            await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
        }

        if (follow != FollowMode.None && followed.Count > 0)
        {
            // FollowAsync closes the files, also when cancelled.
            int ended = await FollowAsync(context, followed, follow, retry, pid, showHeaders, TimeSpan.FromSeconds(Math.Min(sleep, 1.0))).ConfigureAwait(false);
            return Math.Max(status, ended);
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);

        if (follow != FollowMode.None && files.Exists(f => f != "-"))
        {
            // Nothing could be opened to follow (stdin, a pipe, is never followed).
            await context.WriteErrorLineAsync("tail: no files remaining").ConfigureAwait(false);
            return 1;
        }

        return status;
    }

    /// <summary>Writes the last <paramref name="count"/> lines or bytes of a regular file, reading backwards in
    /// growing chunks; returns the file's length.</summary>
    private static async ValueTask<long> WriteEndOfFileAsync(StageContext context, string path, long count, bool bytes, byte eol)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        long length = stream.Length;
        long chunk = bytes ? Math.Min(count, length) : Math.Min(length, 64 * 1024);
        while (true)
        {
            byte[] tail = new byte[chunk];
            stream.Position = length - chunk;
            await stream.ReadExactlyAsync(tail, context.CancellationToken).ConfigureAwait(false);
            if (bytes)
            {
                context.Output.Write(tail);
                return length;
            }

            int start = StartOfLastLines(tail, count, eol);
            if (start > 0 || chunk == length)
            {
                context.Output.Write(tail.AsSpan(start));
                return length;
            }

            chunk = Math.Min(length, chunk * 4);
        }
    }

    /// <summary>The offset where the last <paramref name="count"/> lines start (a missing final newline still
    /// ends a line).</summary>
    internal static int StartOfLastLines(ReadOnlySpan<byte> data, long count, byte eol = (byte)'\n')
    {
        if (count == 0)
        {
            return data.Length;
        }

        int position = data.Length > 0 && data[^1] == eol ? data.Length - 1 : data.Length;
        for (long i = 0; i < count; i++)
        {
            int newline = data[..position].LastIndexOf(eol);
            if (newline < 0)
            {
                return 0;
            }

            position = newline;
        }

        return position + 1;
    }

    private void WriteHeader(PipeWriter output, string file)
    {
        output.WriteUtf8($"{(_lastHeader == null ? "" : "\n")}==> {(file == "-" ? "standard input" : file)} <==\n");
        _lastHeader = file;
    }

    /// <summary>Skips to line (or byte) <paramref name="start"/> (1-based; 0 as 1), copies the rest, and returns
    /// how many bytes were read in all.</summary>
    private static async ValueTask<long> CopyFromAsync(PipeReader reader, PipeWriter output, long start, bool bytes, byte eol, CancellationToken cancellationToken)
    {
        long skip = Math.Max(0, start - 1);
        long total = 0;
        while (true)
        {
            ReadResult result = await IdleFlush.ReadAsync(reader, output, cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            total += buffer.Length;
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                ReadOnlySpan<byte> span = segment.Span;
                while (skip > 0 && !span.IsEmpty)
                {
                    if (bytes)
                    {
                        int n = (int)Math.Min(skip, span.Length);
                        span = span[n..];
                        skip -= n;
                    }
                    else
                    {
                        int newline = span.IndexOf(eol);
                        span = newline < 0 ? default : span[(newline + 1)..];
                        skip -= newline < 0 ? 0 : 1;
                    }
                }

                output.Write(span);
            }

            reader.AdvanceTo(buffer.End);
            await output.MaybeFlushAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                return total;
            }
        }
    }

    /// <summary>GNU tail's obsolete form, <c>[+-][NUM][bcl][f] [FILE]</c> (one option and at most one file, the
    /// file not an option): <c>+3</c> is <c>-n +3</c>, <c>-3c</c> is <c>-c 3</c>, <c>-2b</c> is 2 × 512 bytes;
    /// anything else is left for the ordinary parse (where <c>+3</c> is a file name).</summary>
    internal static IReadOnlyList<string> Obsolete(IReadOnlyList<string> args)
    {
        if (!(args.Count == 1 || (args.Count == 2 && !(args[1].Length > 1 && args[1][0] == '-'))) || args[0].Length == 0)
        {
            return args;
        }

        string a = args[0];
        bool fromStart = a[0] == '+';
        if (!fromStart && (a[0] != '-' || a.Length == 1 || a == "-c"))
        {
            return args;
        }

        int p = 1;
        while (p < a.Length && char.IsAsciiDigit(a[p]))
        {
            p++;
        }

        string digits = a[1..p];
        bool bytes = false;
        long unit = 1;
        if (p < a.Length && a[p] is 'b' or 'c' or 'l')
        {
            bytes = a[p] != 'l';
            unit = a[p] == 'b' ? 512 : 1;
            p++;
        }

        bool forever = p < a.Length && a[p] == 'f';
        if (forever)
        {
            p++;
        }

        if (p < a.Length || (!fromStart && digits.Length == 0 && !bytes && !forever && a.Length > 1 && a[1] != 'l'))
        {
            return args;
        }

        string count = digits.Length == 0 ? (10 * unit).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : unit == 1 ? digits
            : System.Numerics.BigInteger.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) * unit is var n && n <= long.MaxValue ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : digits + "b";
        var list = new List<string> { bytes ? "-c" : "-n", (fromStart ? "+" : "") + count };
        if (forever)
        {
            list.Add("-f");
        }

        list.AddRange(args.Skip(1));
        return list;
    }
}
