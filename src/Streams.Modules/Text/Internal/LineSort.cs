namespace Streams.Modules.Text.Internal;

/// <summary>The stable merge sort of <c>sort</c>'s line table: runs of a few lines sorted by insertion, then merged
/// in passes between the table and a scratch table of the same length.</summary>
/// <remarks>
/// <para>The comparer is called directly: <c>Span.Sort</c> boxes a struct comparer and reaches it through an
/// interface on every comparison, which with the comparisons of an introsort (about 1.4 n log n, against
/// n log n here) made <c>sort</c> of 570 000 short lines take longer than GNU's (docs/benchmarks.md).</para>
/// <para>Stability gives GNU's order among lines that compare equal (input order, which <c>-s</c> and <c>-u</c>
/// rely on) without a tie-break on the position in every comparison.</para>
/// </remarks>
internal static class LineSort
{
    private const int InsertionRun = 16;

    /// <summary>Sorts <paramref name="lines"/> stably; <paramref name="scratch"/> (at least as long) is
    /// overwritten.</summary>
    public static void Sort(Span<LineSpan> lines, Span<LineSpan> scratch, in LineComparer comparer)
    {
        int n = lines.Length;
        for (int start = 0; start < n; start += InsertionRun)
        {
            InsertionSort(lines.Slice(start, Math.Min(InsertionRun, n - start)), comparer);
        }

        Span<LineSpan> from = lines, to = scratch[..n];
        for (int width = InsertionRun; width < n; width *= 2)
        {
            for (int left = 0; left < n; left += 2 * width)
            {
                int middle = Math.Min(left + width, n), end = Math.Min(left + (2 * width), n);
                Merge(from[left..middle], from[middle..end], to[left..end], comparer);
            }

            Span<LineSpan> swap = from;
            from = to;
            to = swap;
        }

        if (from != lines)
        {
            from.CopyTo(lines);
        }
    }

    /// <summary>Merges two sorted tables into <paramref name="to"/> (as long as both), the left one's lines first
    /// among equals.</summary>
    public static void Merge(ReadOnlySpan<LineSpan> left, ReadOnlySpan<LineSpan> right, Span<LineSpan> to, in LineComparer comparer)
    {
        int i = 0, j = 0, k = 0;
        if (left.Length > 0 && right.Length > 0 && comparer.CompareContent(right[0], left[^1]) >= 0)
        {
            // Already in order (an input that was sorted, or runs of one key): two copies.
            left.CopyTo(to);
            right.CopyTo(to[left.Length..]);
            return;
        }

        while (i < left.Length && j < right.Length)
        {
            to[k++] = comparer.CompareContent(right[j], left[i]) < 0 ? right[j++] : left[i++];
        }

        left[i..].CopyTo(to[k..]);
        k += left.Length - i;
        right[j..].CopyTo(to[k..]);
    }

    private static void InsertionSort(Span<LineSpan> lines, in LineComparer comparer)
    {
        for (int i = 1; i < lines.Length; i++)
        {
            LineSpan line = lines[i];
            int j = i - 1;
            while (j >= 0 && comparer.CompareContent(line, lines[j]) < 0)
            {
                lines[j + 1] = lines[j];
                j--;
            }

            lines[j + 1] = line;
        }
    }
}
