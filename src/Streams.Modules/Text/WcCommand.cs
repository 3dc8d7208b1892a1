using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>wc [-lwcmL] [FILE]...</c>: counts newlines, words and bytes, laid out as GNU wc does.</summary>
internal sealed class WcCommand : PipelineStage
{
    /// <summary>EISDIR: what reading a directory fails with (the shell's stdin for <c>wc &lt; DIR</c>).</summary>
    private const int IsADirectory = 21;

    internal const string HelpText = """
        Usage: wc [OPTION]... [FILE]...
        Print newline, word, and byte counts for each FILE, and a total line if
        more than one FILE is specified.  A word is a non-zero-length sequence of
        characters delimited by white space.

        With no FILE, or when FILE is -, read standard input.

        The options below may be used to select which counts are printed, always in
        the following order: newline, word, character, byte.
          -c, --bytes            print the byte counts
          -l, --lines            print the newline counts
          -m, --chars            print the character counts
              --files0-from=F    read input from the files specified by
                                   NUL-terminated names in file F;
                                   If F is - then read names from standard input
          -L, --max-line-length  print the maximum display width
          -w, --words            print the word counts
              --help        display this help and exit
        """;

    private static readonly LongOption[] Longs =
    [
        new("bytes", false, 'c'), new("chars", false, 'm'), new("lines", false, 'l'), new("words", false, 'w'),
        new("max-line-length", false, 'L'), new("files0-from", true, FilesFromKey),
    ];

    private const char FilesFromKey = '\u0002';

    /// <summary>Per byte: 1 white space (ends a word), 2 printable (starts or continues one), 0 neither —
    /// in the C locale GNU wc lets non-printable bytes (controls, 0x80 and up) neither start nor end a word.</summary>
    private static readonly byte[] Kind = MakeKinds();

    /// <inheritdoc />
    public override string Name => "wc";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "cmlwL", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        bool lines = args.Has('l'), words = args.Has('w'), chars = args.Has('m'), bytes = args.Has('c'), longest = args.Has('L');
        if (!(lines || words || chars || bytes || longest))
        {
            lines = words = bytes = true;
        }

        int columns = (lines ? 1 : 0) + (words ? 1 : 0) + (chars ? 1 : 0) + (bytes ? 1 : 0) + (longest ? 1 : 0);
        List<string> files = args.Operands.Count == 0 ? ["-"] : args.Operands;
        int status = 0;
        string? from = args.Options.LastOrDefault(o => o.Key == FilesFromKey).Value;
        if (from is not null)
        {
            if (args.Operands.Count > 0)
            {
                return await CommandIO.UsageAsync(context, Name, $"extra operand '{args.Operands[0]}'\nfile operands cannot be combined with --files0-from").ConfigureAwait(false);
            }

            (List<string>? listed, Exception? failure) = await NulNames.ReadAsync(context, from).ConfigureAwait(false);
            if (listed is null)
            {
                return await CommandIO.FailAsync(context, Name, $"cannot open '{from}' for reading: {CommandIO.Reason(failure!)}").ConfigureAwait(false);
            }

            files = listed;
        }

        // Names read from stdin cannot be sized ahead: GNU then pads nothing.
        int width = from == "-" ? 1 : Width(context, files, columns);
        Tally total = default;
        for (int item = 0; item < files.Count; item++)
        {
            string file = files[item];
            if (from is not null && NulNames.Refusal(from, item, file) is string refusal)
            {
                // GNU skips such a name, says why, and still counts it towards the total line.
                status = await CommandIO.FailAsync(context, Name, refusal).ConfigureAwait(false);
                continue;
            }

            var parts = new Tally[Environment.ProcessorCount];
            Tally counts = default;
            if (FileParts.TryScan(context, file, parts, (ref Tally tally, Span<byte> lines) => tally.Add(lines, words, longest)))
            {
                // A large regular file, counted in parts on every processor: newlines end the parts, so no word
                // or line straddles two.
                foreach (Tally part in parts)
                {
                    Tally finished = part;
                    finished.Finish();
                    counts.Merge(finished);
                }
            }
            else
            {
                PipeReader? reader = await CommandIO.OpenAsync(context, Name, file).ConfigureAwait(false);
                if (reader == null)
                {
                    status = 1;

                    // GNU reads a directory, fails with EISDIR after the message, and still prints its zeros.
                    if (file == "-" || !Directory.Exists(context.ResolvePath(file)))
                    {
                        continue;
                    }
                }
                else
                {
                    try
                    {
                        counts = await CountAsync(reader, words, longest, context.CancellationToken).ConfigureAwait(false);
                    }
                    catch (IOException ex) when (ex.HResult == IsADirectory)
                    {
                        // stdin a directory (wc < DIR): GNU reports it and still prints the counts.
                        await context.WriteErrorLineAsync($"wc: {(file == "-" ? "'standard input'" : file)}: {CommandIO.Reason(ex)}").ConfigureAwait(false);
                        status = 1;
                    }
                    finally
                    {
                        await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
                    }
                }
            }

            total.Merge(counts);

            Write(context.Output, counts, width, (lines, words, chars, bytes, longest), args.Operands.Count == 0 && from is null ? null : file);
        }

        if (files.Count > 1)
        {
            Write(context.Output, total, width, (lines, words, chars, bytes, longest), "total");
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return status;
    }

    /// <summary>GNU's column width: 1 for one count of one input; otherwise the digits of the total size of
    /// the regular files (stdin included when it is one: <see cref="StageContext.InputLength"/>), at least 7 when
    /// an input is not a regular file (a pipe, a device, a directory).</summary>
    private static int Width(StageContext context, List<string> files, int columns)
    {
        if (files.Count == 1 && columns == 1)
        {
            return 1;
        }

        int minimum = 1;
        long regular = 0;
        foreach (string file in files)
        {
            if (file.Length == 0)
            {
                // An empty name from --files0-from: refused later, sized as nothing.
                continue;
            }

            if (file == "-")
            {
                // stdin: sized like a file operand when it is a regular file (wc < FILE), else a pipe.
                if (context.InputLength is { } length)
                {
                    regular += length;
                }
                else
                {
                    minimum = 7;
                }

                continue;
            }

            try
            {
                var info = new FileInfo(context.ResolvePath(file));
                if (info.Exists)
                {
                    regular += info.Length;
                }
                else if (Directory.Exists(info.FullName))
                {
                    minimum = 7;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        int width = 1;
        for (; regular >= 10; regular /= 10)
        {
            width++;
        }

        return Math.Max(width, minimum);
    }

    private static void Write(PipeWriter output, Tally counts, int width, (bool Lines, bool Words, bool Chars, bool Bytes, bool Longest) show, string? name)
    {
        bool first = true;
        void Column(long value)
        {
            if (!first)
            {
                output.Write(" "u8);
            }

            first = false;
            CommandIO.WriteNumber(output, value, width);
        }

        if (show.Lines)
        {
            Column(counts.Lines);
        }

        if (show.Words)
        {
            Column(counts.Words);
        }

        if (show.Chars)
        {
            Column(counts.Bytes);
        }

        if (show.Bytes)
        {
            Column(counts.Bytes);
        }

        if (show.Longest)
        {
            Column(counts.Longest);
        }

        if (name != null)
        {
            output.WriteUtf8(" " + name);
        }

        output.Write("\n"u8);
    }

    /// <summary>Counts newlines, words and bytes: newlines with a vectorized count, words with a byte table
    /// only when asked for.</summary>
    private static async ValueTask<Tally> CountAsync(PipeReader reader, bool words, bool longest, CancellationToken cancellationToken)
    {
        Tally tally = default;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                tally.Add(segment.Span, words, longest);
            }

            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                tally.Finish();
                return tally;
            }
        }
    }

    /// <summary>The counts of one input or part of one.</summary>
    private struct Tally
    {
        public long Lines;
        public long Words;
        public long Bytes;
        public long Longest;
        private bool _inWord;
        private long _position;

        public void Add(ReadOnlySpan<byte> span, bool words, bool longest)
        {
            Lines += span.Count((byte)'\n');
            Bytes += span.Length;
            if (words)
            {
                Words += CountWords(span, ref _inWord);
            }

            if (longest)
            {
                Widths(span);
            }
        }

        /// <summary>Counts the width of a last line without a newline.</summary>
        public void Finish() => Longest = Math.Max(Longest, _position);

        public void Merge(in Tally other)
        {
            Lines += other.Lines;
            Words += other.Words;
            Bytes += other.Bytes;
            Longest = Math.Max(Longest, other.Longest);
        }

        // GNU wc -L in the C locale: a printable byte is one column, a tab moves to the next multiple of 8, and a
        // newline, CR or form feed ends the line; other bytes take no column.
        private void Widths(ReadOnlySpan<byte> span)
        {
            long position = _position;
            long longest = Longest;
            foreach (byte b in span)
            {
                if (b is >= 0x20 and < 0x7f)
                {
                    position++;
                }
                else if (b == '\t')
                {
                    position += 8 - (position % 8);
                }
                else if (b is (byte)'\n' or (byte)'\r' or (byte)'\f')
                {
                    longest = Math.Max(longest, position);
                    position = 0;
                }
            }

            (_position, Longest) = (position, longest);
        }
    }

    private static long CountWords(ReadOnlySpan<byte> span, ref bool inWord)
    {
        byte[] kind = Kind;
        long count = 0;
        bool state = inWord;
        foreach (byte b in span)
        {
            switch (kind[b])
            {
                case 1:
                    state = false;
                    break;
                case 2:
                    if (!state)
                    {
                        state = true;
                        count++;
                    }

                    break;
            }
        }

        inWord = state;
        return count;
    }

    private static byte[] MakeKinds()
    {
        var table = new byte[256];
        for (int c = 0x21; c < 0x7f; c++)
        {
            table[c] = 2;
        }

        foreach (char c in " \t\n\v\f\r")
        {
            table[c] = 1;
        }

        return table;
    }
}
