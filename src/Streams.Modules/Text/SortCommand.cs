using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>sort [-bdfghiMmnRrsuVz] [-k KEYDEF]... [-t SEP] [-o FILE] [-c|-C] [FILE]...</c>: GNU sort in the C
/// locale. Input goes into one array, whose lines are sorted as (offset, length) pairs; past <see cref="RunSize"/>
/// bytes the sorted lines are written as a run to a temporary file and the runs are merged at the end.</summary>
internal sealed partial class SortCommand : PipelineStage
{
    /// <inheritdoc />
    public override string Name => "sort";

    /// <inheritdoc />
    /// <remarks>GNU sort ends with 2 on trouble, a write error included.</remarks>
    public override int FailureStatus => 2;

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "bcCdfghik:mMno:rRsS:t:T:uVz", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error, 2).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        var global = new SortKey();
        var keys = new List<SortKey>();
        int tab = -1;
        bool unique = false, stable = false, zero = false, merge = false;
        char check = '\0';
        string? output = null;
        string? randomSource = null;
        string? temporary = null;
        foreach ((char option, string? value) in args.Options)
        {
            switch (option)
            {
                case 'k':
                    string? error = SortKey.TryParse(value!, out SortKey key);
                    if (error != null)
                    {
                        return await CommandIO.UsageAsync(context, Name, error, 2).ConfigureAwait(false);
                    }

                    keys.Add(key);
                    break;
                case 't':
                    byte[] sep = CommandIO.ArgumentBytes(value!);
                    if (sep.Length == 0)
                    {
                        return await CommandIO.FailAsync(context, Name, "empty tab", 2).ConfigureAwait(false);
                    }

                    if (sep.Length > 1 && value != "\\0")
                    {
                        return await CommandIO.FailAsync(context, Name, $"multi-character tab '{value}'", 2).ConfigureAwait(false);
                    }

                    int newTab = value == "\\0" ? 0 : sep[0];
                    if (tab >= 0 && tab != newTab)
                    {
                        return await CommandIO.FailAsync(context, Name, "incompatible tabs", 2).ConfigureAwait(false);
                    }

                    tab = newTab;
                    break;
                case 'o':
                    output = value;
                    break;
                case 'u': unique = true; break;
                case 's': stable = true; break;
                case 'z': zero = true; break;
                case 'c' or 'C' or CheckKey:
                    // A bad --check=WORD ends with status 1, as gnulib's argmatch_die calls usage(EXIT_FAILURE).
                    char letter = option;
                    if (option == CheckKey && value is not null)
                    {
                        if (ArgMatch.Match(value, "--check", CheckWords, out string? wrong) is not char word)
                        {
                            return await CommandIO.UsageAsync(context, Name, wrong!, 1).ConfigureAwait(false);
                        }

                        letter = word;
                    }
                    else if (option == CheckKey)
                    {
                        letter = 'c';
                    }

                    if (check != '\0' && check != letter)
                    {
                        return await CommandIO.FailAsync(context, Name, "options '-cC' are incompatible", 2).ConfigureAwait(false);
                    }

                    check = letter;
                    break;
                case SortKeyWord:
                    if (ArgMatch.Match(value!, "--sort", SortWords, out string? bad) is not char ordering)
                    {
                        return await CommandIO.UsageAsync(context, Name, bad!, 1).ConfigureAwait(false);
                    }

                    global.Apply(ordering, end: false);
                    break;
                case 'm': merge = true; break;
                case 'T': temporary = value; break;
                case 'S' or BufferSizeKey or '\u0002':
                    // Only checked: runs are sized by RunSize, and the sort uses every core.
                    string? invalid = option == '\u0002' ? SortSizes.ParallelError(value!) : SortSizes.BufferSizeError(value!, option == 'S' ? "-S" : "--buffer-size");
                    if (invalid != null)
                    {
                        return await CommandIO.FailAsync(context, Name, invalid, 2).ConfigureAwait(false);
                    }

                    break;
                case '\u0003': randomSource = value; break;
                case FilesFromKey: break; // read below, once the other options are known
                case CompressKey: break;
                case BatchSizeKey:
                    if (SortSizes.BatchSizeError(value!) is string batch)
                    {
                        return await CommandIO.FailAsync(context, Name, batch, 2).ConfigureAwait(false);
                    }

                    break;
                default:
                    global.Apply(option, end: false);
                    if (option == 'b')
                    {
                        global.SkipEndBlanks = true;
                    }

                    break;
            }
        }

        foreach (SortKey key in keys)
        {
            if (!key.HasOrdering && !key.Reverse)
            {
                key.Inherit(global);
            }
        }

        if (keys.Count == 0 && (global.HasOrdering || global.Reverse))
        {
            keys.Add(global);
        }

        ulong seed = (ulong)System.Random.Shared.NextInt64();
        if (randomSource is not null)
        {
            // The same source gives the same order (not GNU's: it hashes with MD5).
            try
            {
                byte[] salt = new byte[4096];
                int got;
                using (FileStream file = File.OpenRead(randomSource))
                {
                    got = file.ReadAtLeast(salt, salt.Length, throwOnEndOfStream: false);
                }

                seed = System.IO.Hashing.XxHash3.HashToUInt64(salt.AsSpan(0, got));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return await CommandIO.FailAsync(context, Name, $"{randomSource}: {CommandIO.Reason(ex)}", 2).ConfigureAwait(false);
            }
        }

        foreach (SortKey key in keys)
        {
            key.Seed = seed;
            if (key.Incompatible() is string letters)
            {
                return await CommandIO.FailAsync(context, Name, $"options '-{letters}' are incompatible", 2).ConfigureAwait(false);
            }
        }

        byte delimiter = zero ? (byte)0 : (byte)'\n';
        List<string> files = args.Operands.Count == 0 ? ["-"] : args.Operands;
        if (args.Options.LastOrDefault(o => o.Key == FilesFromKey).Value is string from)
        {
            if (args.Operands.Count > 0)
            {
                return await CommandIO.UsageAsync(context, Name, $"extra operand '{args.Operands[0]}'\nfile operands cannot be combined with --files0-from", 2).ConfigureAwait(false);
            }

            (List<string>? listed, Exception? failure) = await NulNames.ReadAsync(context, from).ConfigureAwait(false);
            if (listed is null)
            {
                return await CommandIO.FailAsync(context, Name, $"open failed: {from}: {CommandIO.Reason(failure!)}", 2).ConfigureAwait(false);
            }

            // GNU checks every name before it reads any file.
            for (int i = 0; i < listed.Count; i++)
            {
                if (NulNames.Refusal(from, i, listed[i]) is string refusal)
                {
                    return await CommandIO.FailAsync(context, Name, refusal, 2).ConfigureAwait(false);
                }
            }

            if (listed.Count == 0)
            {
                return await CommandIO.FailAsync(context, Name, $"no input from '{from}'", 2).ConfigureAwait(false);
            }

            files = listed;
        }

        if (check != '\0' && files.Count > 1)
        {
            return await CommandIO.FailAsync(context, Name, $"extra operand '{files[1]}' not allowed with -{check}", 2).ConfigureAwait(false);
        }

        if (check != '\0' && output != null)
        {
            return await CommandIO.FailAsync(context, Name, $"options '-{check}o' are incompatible", 2).ConfigureAwait(false);
        }

        SortKey[] keyArray = [.. keys];
        bool lastResort = !(stable || unique);
        using var runs = new RunFiles(TempDirectory(context, temporary));
        Func<byte[], int, bool>? spill = merge || check != '\0' ? null : (data, length) =>
        {
            var runComparer = new LineComparer(data, keyArray, tab, lastResort, global.Reverse);
            LineSpan[] run = KeyAndSort(InputBuffer.Split(data, length, delimiter), runComparer);
            return runs.TryWrite(data, run, runComparer, unique, delimiter);
        };
        var input = new InputBuffer(MemoryLimit, RunSize, spill);
        var fileEnds = new List<int>();
        foreach (string file in files)
        {
            PipeReader? reader = await CommandIO.OpenAsync(context, Name, file, "cannot read: {0}").ConfigureAwait(false);
            if (reader == null)
            {
                return 2;
            }

            try
            {
                if (!await input.AppendAsync(reader, delimiter, context.CancellationToken).ConfigureAwait(false))
                {
                    return runs.Error is string error
                        ? await CommandIO.FailAsync(context, Name, error, 2).ConfigureAwait(false)
                        : await TooLargeAsync(context, input).ConfigureAwait(false);
                }
            }
            finally
            {
                await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
            }

            fileEnds.Add(input.Length);
        }

        LineSpan[] lines;
        try
        {
            lines = input.Split(delimiter);
        }
        catch (OutOfMemoryException)
        {
            return await TooLargeAsync(context, input).ConfigureAwait(false);
        }

        var comparer = new LineComparer(input.Data, keyArray, tab, lastResort, global.Reverse);
        if (check != '\0')
        {
            AddKeys(lines, comparer);
            return await CheckAsync(context, input.Data, lines, comparer, unique, check == 'c', files[0]).ConfigureAwait(false);
        }

        List<MergeSource>? sources = null;
        try
        {
            if (merge)
            {
                AddKeys(lines, comparer);
                sources = FileSources(input.Data, lines, fileEnds);
            }
            else
            {
                lines = KeyAndSort(lines, comparer);
                if (runs.Count > 0)
                {
                    // The runs come first in the input, so they go first among equals: the last run is the buffer.
                    sources = runs.Open(new LineComparer([], keyArray, tab, lastResort, global.Reverse), keyArray.Length > 0, delimiter);
                    sources.Add(new MemorySource(input.Data, lines, 0, lines.Length));
                }
            }
        }
        catch (OutOfMemoryException)
        {
            return await TooLargeAsync(context, input).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await CommandIO.FailAsync(context, Name, $"cannot read: {CommandIO.Reason(ex)}", 2).ConfigureAwait(false);
        }

        ValueTask WriteAllAsync(PipeWriter writer) => sources == null
            ? WriteAsync(writer, input.Data, lines, comparer, unique, delimiter, context.CancellationToken)
            : MergeAsync(writer, sources, comparer, unique, delimiter, context.CancellationToken);

        if (output == null)
        {
            await WriteAllAsync(context.Output).ConfigureAwait(false);
            return 0;
        }

        try
        {
            await using var stream = new FileStream(context.ResolvePath(output), FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1);
            PipeWriter writer = PipeWriter.Create(stream);
            await WriteAllAsync(writer).ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await CommandIO.FailAsync(context, Name, $"open failed: {output}: {CommandIO.Reason(ex)}", 2).ConfigureAwait(false);
        }

        return 0;
    }

    private static async ValueTask WriteAsync(PipeWriter writer, byte[] data, LineSpan[] lines, LineComparer comparer, bool unique, byte delimiter, CancellationToken cancellationToken)
    {
        for (int next = 0; next < lines.Length;)
        {
            next = WriteSome(writer, data, lines, next, comparer, unique, delimiter);
            await writer.FlushOrStopAsync(cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushOrStopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the sorted lines from <paramref name="next"/> on until a batch is buffered (with
    /// <paramref name="unique"/> only the first of equal lines); returns the first line not written. The output and
    /// the runs a large sort spills to temporary files (<see cref="RunFiles.TryWrite"/>) are written by it.</summary>
    /// <remarks>In sorted order the lines are scattered over the input, so each is a cache miss: the bytes of a
    /// line some way ahead are fetched while this one is copied, and lines are copied into one span per batch
    /// rather than through the writer one at a time (on 570 000 short lines the copying was a quarter of sort's
    /// time).</remarks>
    private static int WriteSome(IBufferWriter<byte> writer, byte[] data, LineSpan[] lines, int next, LineComparer comparer, bool unique, byte delimiter)
    {
        const int Ahead = 16;
        Span<byte> span = writer.GetSpan(StageIO.BatchSize);
        int used = 0;
        int i = next;
        for (; i < lines.Length; i++)
        {
            if (i + Ahead < lines.Length)
            {
                Prefetch(data, lines[i + Ahead].Start);
            }

            if (unique && i > 0 && comparer.CompareContent(lines[i - 1], lines[i]) == 0)
            {
                // Keep lines[i - 1] as the run's representative: compare later lines with the first of the run.
                lines[i] = lines[i - 1];
                continue;
            }

            LineSpan line = lines[i];
            if (used + line.Length + 1 > span.Length)
            {
                if (used > 0)
                {
                    // Line i was compared with the one before, which has not changed: the next call finds the same.
                    break;
                }

                span = writer.GetSpan(line.Length + 1);
            }

            data.AsSpan(line.Start, line.Length).CopyTo(span[used..]);
            used += line.Length;
            span[used++] = delimiter;
        }

        writer.Advance(used);
        return i;
    }

    // Asks the processor to bring the bytes at `offset` into its cache (a hint: it never faults, even on an address
    // the collector has since moved).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(byte[] data, int offset)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(data), offset)));
        }
    }

    private static async ValueTask<int> CheckAsync(StageContext context, byte[] data, LineSpan[] lines, LineComparer comparer, bool unique, bool report, string file)
    {
        for (int i = 1; i < lines.Length; i++)
        {
            int diff = comparer.CompareContent(lines[i - 1], lines[i]);
            if (diff > 0 || (unique && diff == 0))
            {
                if (report)
                {
                    string line = StageIO.Latin1.GetString(data, lines[i].Start, lines[i].Length);
                    await context.WriteErrorLineAsync($"sort: {file}:{i + 1}: disorder: {line}").ConfigureAwait(false);
                }

                return 1;
            }
        }

        return 0;
    }
}
