namespace Streams.Modules.Text.Internal;

/// <summary>sort's numeric comparisons: <c>-n</c> (string numbers), <c>-h</c> and <c>-M</c> (<c>-g</c> is in
/// LineComparer.General.cs).</summary>
internal readonly partial struct LineComparer
{
    /// <summary>GNU's <c>-n</c>: leading blanks, an optional '-', digits, an optional '.' and digits; anything
    /// else counts as zero; compared by value without converting.</summary>
    /// <remarks>gnulib's strnumcmp gets the C locale's missing thousands separator as CHAR_MAX + 1, which on
    /// x86 is byte 0x80: GNU sort therefore skips 0x80 among the integer digits, and so do we.</remarks>
    internal static int NumericCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Number(a, out bool negA, out ReadOnlySpan<byte> intA, out int countA, out ReadOnlySpan<byte> fracA);
        Number(b, out bool negB, out ReadOnlySpan<byte> intB, out int countB, out ReadOnlySpan<byte> fracB);
        int signA = countA == 0 && fracA.IsEmpty ? 0 : negA ? -1 : 1;
        int signB = countB == 0 && fracB.IsEmpty ? 0 : negB ? -1 : 1;
        if (signA != signB)
        {
            return signA < signB ? -1 : 1;
        }

        if (signA == 0)
        {
            return 0;
        }

        int magnitude = countA != countB ? (countA < countB ? -1 : 1) : CompareDigits(intA, intB);
        if (magnitude == 0)
        {
            magnitude = fracA.SequenceCompareTo(fracB);
        }

        magnitude = Math.Sign(magnitude);
        return signA < 0 ? -magnitude : magnitude;
    }

    /// <summary>GNU's <c>-M</c> in the C locale: 1 to 12 for a key whose first three characters after blanks are
    /// JAN … DEC in any case (what follows them does not matter), 0 for anything else.</summary>
    internal static int MonthOf(ReadOnlySpan<byte> key)
    {
        int i = 0;
        while (i < key.Length && Blanks[key[i]])
        {
            i++;
        }

        if (key.Length - i < 3)
        {
            return 0;
        }

        ReadOnlySpan<byte> names = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC"u8;
        for (int month = 0; month < 12; month++)
        {
            ReadOnlySpan<byte> name = names.Slice(month * 3, 3);
            if ((key[i] & 0xDF) == name[0] && (key[i + 1] & 0xDF) == name[1] && (key[i + 2] & 0xDF) == name[2])
            {
                return month + 1;
            }
        }

        return 0;
    }

    /// <summary>GNU's <c>-h</c>: by the unit first (none, then K or k, M, G, T, P, E, Z, Y, R, Q; negative
    /// numbers reversed; a zero has no unit), then as <c>-n</c> compares.</summary>
    internal static int HumanCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int diff = UnitOrder(a) - UnitOrder(b);
        return diff != 0 ? diff : NumericCompare(a, b);
    }

    private static int UnitOrder(ReadOnlySpan<byte> s)
    {
        int i = SignedStart(s, out bool negative);

        bool nonzero = false;
        while (i < s.Length && (char.IsAsciiDigit((char)s[i]) || s[i] == Separator))
        {
            nonzero |= s[i] is > (byte)'0' and <= (byte)'9';
            i++;
        }

        if (i < s.Length && s[i] == '.')
        {
            for (i++; i < s.Length && char.IsAsciiDigit((char)s[i]); i++)
            {
                nonzero |= s[i] != '0';
            }
        }

        if (!nonzero || i >= s.Length)
        {
            return 0;
        }

        int order = "KMGTPEZYRQ".IndexOf((char)s[i], StringComparison.Ordinal) + 1;
        if (s[i] == 'k')
        {
            order = 1;
        }

        return negative ? -order : order;
    }

    /// <summary>Whether <paramref name="s"/> reads under <c>-n</c> as a plain integer — leading blanks, an
    /// optional '-', at most 18 significant digits, no thousands byte, not followed by '.' — and its value. Text
    /// with no number reads as zero, as in <see cref="NumericCompare"/>.</summary>
    internal static bool PlainInteger(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        int i = SignedStart(s, out bool negative);

        while (i < s.Length && s[i] == '0')
        {
            i++;
        }

        int digits = 0;
        while (i < s.Length && s[i] - '0' is >= 0 and <= 9)
        {
            if (++digits > 18)
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
            i++;
        }

        if (i < s.Length && s[i] is (byte)'.' or Separator)
        {
            return false;
        }

        value = negative ? -value : value;
        return true;
    }

    private static int CompareDigits(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && a[i] == Separator)
            {
                i++;
            }

            while (j < b.Length && b[j] == Separator)
            {
                j++;
            }

            if (i >= a.Length || j >= b.Length)
            {
                return 0;
            }

            if (a[i] != b[j])
            {
                return a[i] - b[j];
            }

            i++;
            j++;
        }
    }

    private const byte Separator = 0x80;

    // Where a number's digits start: after leading blanks and an optional '-'.
    private static int SignedStart(ReadOnlySpan<byte> s, out bool negative)
    {
        int i = 0;
        while (i < s.Length && Blanks[s[i]])
        {
            i++;
        }

        negative = i < s.Length && s[i] == '-';
        return negative ? i + 1 : i;
    }

    private static void Number(ReadOnlySpan<byte> s, out bool negative, out ReadOnlySpan<byte> integer, out int digits, out ReadOnlySpan<byte> fraction)
    {
        int i = SignedStart(s, out negative);

        while (i < s.Length && s[i] is (byte)'0' or Separator)
        {
            i++;
        }

        int start = i;
        digits = 0;
        while (i < s.Length && s[i] - '0' is >= 0 and <= 9)
        {
            i++;
            digits++;
            while (i < s.Length && s[i] == Separator)
            {
                i++;
            }
        }

        integer = s[start..i];
        fraction = [];
        if (i < s.Length && s[i] == '.')
        {
            int f = ++i;
            while (i < s.Length && s[i] - '0' is >= 0 and <= 9)
            {
                i++;
            }

            int end = i;
            while (end > f && s[end - 1] == '0')
            {
                end--;
            }

            fraction = s[f..end];
        }
    }
}
