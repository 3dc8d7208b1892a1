using System.Buffers.Binary;

namespace Streams.Modules.Text.Internal;

/// <summary>Radix sorts of <c>sort</c>'s line table, stable, so that equal lines keep their input order as GNU's
/// do: of whole lines by their bytes (<c>sort</c> with no keys and no <c>-r</c>), eight bytes at a time, and of
/// lines by a plain integer key (<c>sort -n</c>, <see cref="TrySortByInteger"/>).</summary>
/// <remarks>
/// <para>Each round orders a run of lines by the eight bytes at its depth (zeros past a line's end) and, among
/// equal bytes, by how many of them the line has (a line that ends there is the start of the longer one, so it goes
/// first): one pass on that count, then one pass per byte that is not the same in every line, least significant
/// first, moving the lines between the table and a scratch table. Lines equal so far that go on past the eight bytes
/// are ordered by the next round. Short runs, and runs still equal after 32 bytes, are left to the merge sort
/// (<see cref="LineSort"/>), whose comparison is the whole line's.</para>
/// <para>On 570 000 lines of 4–10 bytes from 128 values this does a few passes where a comparison sort calls its
/// comparer twenty times per line, half of them on ties of equal lines (docs/benchmarks.md).</para>
/// </remarks>
internal static class LineRadix
{
    private const int SmallRun = 64;
    private const int Rounds = 4;

    /// <summary>Sorts <paramref name="lines"/> (lines of <paramref name="data"/>) by their bytes, stably;
    /// <paramref name="scratch"/> (at least as long) is overwritten. <paramref name="comparer"/> must compare whole
    /// lines in byte order (<see cref="LineComparer.WholeLines"/>): it orders the short runs.</summary>
    public static void Sort(Span<LineSpan> lines, Span<LineSpan> scratch, in LineComparer comparer, ReadOnlySpan<byte> data)
    {
        ulong[] keys = LargeArrays.Allocate<ulong>(lines.Length);
        ulong[] keyScratch = LargeArrays.Allocate<ulong>(lines.Length);
        SortRun(lines, scratch[..lines.Length], keys, keyScratch, 0, comparer, data);
    }

    private static void SortRun(Span<LineSpan> lines, Span<LineSpan> scratch, Span<ulong> keys, Span<ulong> keyScratch, int depth, in LineComparer comparer, ReadOnlySpan<byte> data)
    {
        int n = lines.Length;
        if (n < SmallRun || depth == Rounds)
        {
            LineSort.Sort(lines, scratch, comparer);
            return;
        }

        int offset = depth * sizeof(ulong);

        // By how many bytes each line has here (0-8, or 9 for more), then by the bytes from the last to the first.
        Span<int> counts = stackalloc int[10];
        counts.Clear();
        foreach (LineSpan line in lines)
        {
            counts[Class(line, offset)]++;
        }

        bool inScratch = false;
        if (counts[Class(lines[0], offset)] != n)
        {
            Span<int> next = stackalloc int[10];
            Starts(counts, next);
            foreach (LineSpan line in lines)
            {
                scratch[next[Class(line, offset)]++] = line;
            }

            inScratch = true;
        }

        Span<LineSpan> from = inScratch ? scratch : lines;
        for (int i = 0; i < n; i++)
        {
            keys[i] = Chunk(data, from[i], offset);
        }

        Span<ulong> sortedKeys = ByKeys(from, inScratch ? lines : scratch, keys, keyScratch, lines);

        // Lines with the same bytes here that go on past them: the next eight bytes decide.
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && sortedKeys[j] == sortedKeys[i] && Class(lines[j], offset) == Class(lines[i], offset))
            {
                j++;
            }

            if (j - i > 1 && Class(lines[i], offset) == 9)
            {
                // sortedKeys[i..j] is not read again: the next round may use it.
                SortRun(lines[i..j], scratch[i..j], keys[i..j], keyScratch[i..j], depth + 1, comparer, data);
            }

            i = j;
        }
    }

    /// <summary>Sorts lines with one numeric key that every line holds as a plain integer (<c>sort -n</c> on
    /// numbers, <see cref="LineSpan.HasInteger"/>), not reversed: a radix sort on the values (two passes for
    /// values below 65 536), then, among equal values, the rest of the comparison (the whole line, unless
    /// <c>-s</c> or <c>-u</c>) for the runs it does not find in order already. False, with nothing moved, when
    /// the lines are not all such.</summary>
    public static bool TrySortByInteger(Span<LineSpan> lines, Span<LineSpan> scratch, in LineComparer comparer)
    {
        if (!comparer.AscendingIntegerKey || lines.Length < SmallRun)
        {
            return false;
        }

        foreach (LineSpan line in lines)
        {
            if (!line.HasInteger)
            {
                return false;
            }
        }

        int n = lines.Length;
        ulong[] keys = LargeArrays.Allocate<ulong>(n);
        ulong[] keyScratch = LargeArrays.Allocate<ulong>(n);
        for (int i = 0; i < n; i++)
        {
            // The sign bit flipped: signed order as unsigned.
            keys[i] = (ulong)lines[i].Integer ^ (1UL << 63);
        }

        Span<ulong> sortedKeys = ByKeys(lines, scratch[..n], keys, keyScratch, lines);
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            bool ordered = true;
            while (j < n && sortedKeys[j] == sortedKeys[i])
            {
                ordered = ordered && comparer.CompareContent(lines[j - 1], lines[j]) <= 0;
                j++;
            }

            if (!ordered)
            {
                LineSort.Sort(lines[i..j], scratch[i..j], comparer);
            }

            i = j;
        }

        return true;
    }

    // One stable pass per byte of the keys that is not the same in every key, least significant first, moving the
    // lines and their keys between the two pairs of tables; the sorted lines end in `result` (one of the two line
    // tables), and the sorted keys are returned.
    private static Span<ulong> ByKeys(Span<LineSpan> from, Span<LineSpan> to, Span<ulong> fromKeys, Span<ulong> toKeys, Span<LineSpan> result)
    {
        int n = from.Length;
        Span<int> histograms = stackalloc int[8 * 256];
        histograms.Clear();
        foreach (ulong key in fromKeys)
        {
            for (int b = 0; b < 8; b++)
            {
                histograms[(b * 256) + (int)((key >> (b * 8)) & 0xFF)]++;
            }
        }

        Span<int> starts = stackalloc int[256];
        for (int b = 0; b < 8; b++)
        {
            int shift = b * 8;
            Span<int> histogram = histograms.Slice(b * 256, 256);
            if (histogram[(int)((fromKeys[0] >> shift) & 0xFF)] == n)
            {
                continue;
            }

            Starts(histogram, starts);
            for (int i = 0; i < n; i++)
            {
                int at = starts[(int)((fromKeys[i] >> shift) & 0xFF)]++;
                to[at] = from[i];
                toKeys[at] = fromKeys[i];
            }

            Span<LineSpan> swap = from;
            from = to;
            to = swap;
            Span<ulong> swapKeys = fromKeys;
            fromKeys = toKeys;
            toKeys = swapKeys;
        }

        if (from != result)
        {
            from.CopyTo(result);
        }

        return fromKeys;
    }

    // How many bytes the line has from `offset`: 0-8, or 9 when it goes on past the eight bytes there.
    private static int Class(LineSpan line, int offset) => Math.Min(line.Length - offset, 9);

    // The eight bytes of the line from `offset` as a big-endian number, zeros past its end.
    private static ulong Chunk(ReadOnlySpan<byte> data, LineSpan line, int offset) =>
        Leading(data.Slice(line.Start + offset, line.Length - offset));

    /// <summary>The first eight bytes of <paramref name="bytes"/> as a big-endian number, zeros past its end: equal
    /// numbers for equal starts, and their order the bytes' order.</summary>
    public static ulong Leading(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= sizeof(ulong))
        {
            return BinaryPrimitives.ReadUInt64BigEndian(bytes);
        }

        ulong chunk = 0;
        for (int i = 0; i < sizeof(ulong); i++)
        {
            chunk = (chunk << 8) | (i < bytes.Length ? bytes[i] : 0u);
        }

        return chunk;
    }

    // Where each value's lines start in the output of a pass.
    private static void Starts(ReadOnlySpan<int> counts, Span<int> starts)
    {
        int sum = 0;
        for (int v = 0; v < counts.Length; v++)
        {
            starts[v] = sum;
            sum += counts[v];
        }
    }
}
