using System.Buffers;

namespace Streams.Modules.Text.Internal;

// -f, -d and -i under another ordering: GNU's keycompare copies the key with those applied, then compares the copy.
internal readonly partial struct LineComparer
{
    /// <summary>Compares two keys of a key that has <c>-h</c> or <c>-V</c> together with <c>-f</c>, <c>-d</c> or
    /// <c>-i</c>, as GNU does: on copies of the keys with lower case folded to upper and ignored bytes dropped (so
    /// that <c>-fh</c> reads <c>1m</c> as 1M and <c>1e3</c> as 1E, and <c>-fV</c> orders <c>a</c> before <c>B</c>).
    /// </summary>
    /// <remarks>-n, -g and -M read the same with or without these (-d and -i are refused with them, and case
    /// matters to none of them in the C locale), so they keep comparing in place.</remarks>
    internal static int TranslatedCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, SortKey key)
    {
        byte[] ra = ArrayPool<byte>.Shared.Rent(a.Length), rb = ArrayPool<byte>.Shared.Rent(b.Length);
        try
        {
            ReadOnlySpan<byte> ta = Normalize(a, ra, key), tb = Normalize(b, rb, key);
            return key.Human ? HumanCompare(ta, tb) : VersionCompare(ta, tb);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ra);
            ArrayPool<byte>.Shared.Return(rb);
        }
    }

    /// <summary>Copies <paramref name="text"/> to <paramref name="to"/> without the bytes <c>-d</c> or <c>-i</c>
    /// ignore and with <c>-f</c>'s folding to upper case; returns the copy.</summary>
    private static ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> text, byte[] to, SortKey key)
    {
        bool[]? skip = key.Dictionary ? NotDictionary : key.NonPrinting ? NotPrinting : null;
        int n = 0;
        foreach (byte c in text)
        {
            if (skip is not null && skip[c])
            {
                continue;
            }

            to[n++] = key.Fold && c is >= (byte)'a' and <= (byte)'z' ? (byte)(c - 32) : c;
        }

        return to.AsSpan(0, n);
    }
}
