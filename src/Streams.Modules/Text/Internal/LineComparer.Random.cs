using System.Buffers;
using System.IO.Hashing;

namespace Streams.Modules.Text.Internal;

// sort -R: keys ordered by a salted hash, so that the order is random but equal keys stay together.
internal readonly partial struct LineComparer
{
    /// <summary>Orders two keys by their XxHash3 with the run's salt (after <c>-f</c>, <c>-d</c> or <c>-i</c> are
    /// applied, so keys those options make equal hash alike), then by their bytes.</summary>
    internal static int RandomCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, SortKey key)
    {
        if (!(key.Fold || key.Dictionary || key.NonPrinting))
        {
            int byHash = XxHash3.HashToUInt64(a, (long)key.Seed).CompareTo(XxHash3.HashToUInt64(b, (long)key.Seed));
            return byHash != 0 ? byHash : a.SequenceCompareTo(b);
        }

        byte[] ra = ArrayPool<byte>.Shared.Rent(a.Length), rb = ArrayPool<byte>.Shared.Rent(b.Length);
        try
        {
            ReadOnlySpan<byte> ta = Normalize(a, ra, key), tb = Normalize(b, rb, key);
            int byHash = XxHash3.HashToUInt64(ta, (long)key.Seed).CompareTo(XxHash3.HashToUInt64(tb, (long)key.Seed));
            return byHash != 0 ? byHash : ta.SequenceCompareTo(tb);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ra);
            ArrayPool<byte>.Shared.Return(rb);
        }
    }
}
