using System.Globalization;

namespace Streams.Modules.Text.Internal;

/// <summary>A line of sort's input: an offset and a length into the one array that holds all input.</summary>
internal readonly record struct LineSpan(int Start, int Length);

/// <summary>GNU sort's comparison in the C locale: the keys in order, then (unless <c>-s</c> or <c>-u</c>) the
/// whole line byte by byte; equal lines keep their input order.</summary>
internal readonly struct LineComparer : IComparer<LineSpan>
{
    private static readonly bool[] Blanks = Table(c => c is ' ' or '\t' or '\n');
    private static readonly bool[] NotDictionary = Table(c => !(char.IsAsciiLetterOrDigit((char)c) || c is ' ' or '\t'));
    private static readonly bool[] NotPrinting = Table(c => c < 0x20 || c > 0x7e);

    private readonly byte[] _data;
    private readonly SortKey[] _keys;
    private readonly int _tab;
    private readonly bool _lastResort;
    private readonly bool _reverse;

    /// <summary>Creates a comparer over <paramref name="data"/>. <paramref name="tab"/> is the field
    /// separator, or -1 for blank-separated fields.</summary>
    public LineComparer(byte[] data, SortKey[] keys, int tab, bool lastResort, bool reverse)
    {
        _data = data;
        _keys = keys;
        _tab = tab;
        _lastResort = lastResort;
        _reverse = reverse;
    }

    /// <summary>Orders two lines, breaking ties by input position so that the order is total and stable.</summary>
    public int Compare(LineSpan x, LineSpan y)
    {
        int diff = CompareContent(x, y);
        return diff != 0 ? diff : x.Start.CompareTo(y.Start);
    }

    /// <summary>Orders two lines without the position tie-break (what <c>-u</c> uses for equality).</summary>
    public int CompareContent(LineSpan x, LineSpan y)
    {
        ReadOnlySpan<byte> a = _data.AsSpan(x.Start, x.Length);
        ReadOnlySpan<byte> b = _data.AsSpan(y.Start, y.Length);
        if (_keys.Length > 0)
        {
            int diff = CompareKeys(a, b);
            if (diff != 0 || !_lastResort)
            {
                return diff;
            }
        }

        int last = a.SequenceCompareTo(b);
        return _reverse ? -last : last;
    }

    private int CompareKeys(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        foreach (SortKey key in _keys)
        {
            ReadOnlySpan<byte> ka = Extract(a, key);
            ReadOnlySpan<byte> kb = Extract(b, key);
            int diff;
            if (key.Numeric)
            {
                diff = NumericCompare(ka, kb);
            }
            else if (key.General)
            {
                diff = GeneralCompare(ka, kb);
            }
            else if (key.Fold || key.Dictionary || key.NonPrinting)
            {
                diff = IgnoringCompare(ka, kb, key.Fold, key.Dictionary ? NotDictionary : key.NonPrinting ? NotPrinting : null);
            }
            else
            {
                diff = ka.SequenceCompareTo(kb);
            }

            if (diff != 0)
            {
                diff = Math.Sign(diff);
                return key.Reverse ? -diff : diff;
            }
        }

        return 0;
    }

    private ReadOnlySpan<byte> Extract(ReadOnlySpan<byte> line, SortKey key)
    {
        int lim = key.EndField < 0 ? line.Length : LimField(line, key);
        int begin;
        if (key.StartField < 0)
        {
            begin = 0;
            if (key.SkipStartBlanks)
            {
                while (begin < lim && Blanks[line[begin]])
                {
                    begin++;
                }
            }
        }
        else
        {
            begin = BegField(line, key);
        }

        return lim <= begin ? [] : line[begin..lim];
    }

    private int BegField(ReadOnlySpan<byte> line, SortKey key)
    {
        int ptr = 0, lim = line.Length;
        int sword = key.StartField;
        if (_tab >= 0)
        {
            while (ptr < lim && sword-- > 0)
            {
                int at = line[ptr..].IndexOf((byte)_tab);
                ptr = at < 0 ? lim : ptr + at;
                if (ptr < lim)
                {
                    ptr++;
                }
            }
        }
        else
        {
            while (ptr < lim && sword-- > 0)
            {
                while (ptr < lim && Blanks[line[ptr]])
                {
                    ptr++;
                }

                while (ptr < lim && !Blanks[line[ptr]])
                {
                    ptr++;
                }
            }
        }

        if (key.SkipStartBlanks)
        {
            while (ptr < lim && Blanks[line[ptr]])
            {
                ptr++;
            }
        }

        return (int)Math.Min(lim, (long)ptr + key.StartChar);
    }

    private int LimField(ReadOnlySpan<byte> line, SortKey key)
    {
        int ptr = 0, lim = line.Length;
        long eword = key.EndField, echar = key.EndChar;
        if (echar == 0)
        {
            eword++;
        }

        if (_tab >= 0)
        {
            while (ptr < lim && eword-- > 0)
            {
                int at = line[ptr..].IndexOf((byte)_tab);
                ptr = at < 0 ? lim : ptr + at;
                if (ptr < lim && (eword > 0 || echar > 0))
                {
                    ptr++;
                }
            }
        }
        else
        {
            while (ptr < lim && eword-- > 0)
            {
                while (ptr < lim && Blanks[line[ptr]])
                {
                    ptr++;
                }

                while (ptr < lim && !Blanks[line[ptr]])
                {
                    ptr++;
                }
            }
        }

        if (echar != 0)
        {
            if (key.SkipEndBlanks)
            {
                while (ptr < lim && Blanks[line[ptr]])
                {
                    ptr++;
                }
            }

            ptr = (int)Math.Min(lim, ptr + echar);
        }

        return ptr;
    }

    private static int IgnoringCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, bool fold, bool[]? ignore)
    {
        int i = 0, j = 0;
        while (true)
        {
            if (ignore != null)
            {
                while (i < a.Length && ignore[a[i]])
                {
                    i++;
                }

                while (j < b.Length && ignore[b[j]])
                {
                    j++;
                }
            }

            if (i >= a.Length || j >= b.Length)
            {
                break;
            }

            int ca = a[i], cb = b[j];
            if (fold)
            {
                ca = ca is >= 'a' and <= 'z' ? ca - 32 : ca;
                cb = cb is >= 'a' and <= 'z' ? cb - 32 : cb;
            }

            if (ca != cb)
            {
                return ca - cb;
            }

            i++;
            j++;
        }

        return (i < a.Length ? 1 : 0) - (j < b.Length ? 1 : 0);
    }

    /// <summary>GNU's <c>-n</c>: leading blanks, an optional '-', digits, an optional '.' and digits; anything
    /// else counts as zero; compared by value without converting.</summary>
    internal static int NumericCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Number(a, out bool negA, out ReadOnlySpan<byte> intA, out ReadOnlySpan<byte> fracA);
        Number(b, out bool negB, out ReadOnlySpan<byte> intB, out ReadOnlySpan<byte> fracB);
        int signA = intA.IsEmpty && fracA.IsEmpty ? 0 : negA ? -1 : 1;
        int signB = intB.IsEmpty && fracB.IsEmpty ? 0 : negB ? -1 : 1;
        if (signA != signB)
        {
            return signA < signB ? -1 : 1;
        }

        if (signA == 0)
        {
            return 0;
        }

        int magnitude = intA.Length != intB.Length ? (intA.Length < intB.Length ? -1 : 1) : intA.SequenceCompareTo(intB);
        if (magnitude == 0)
        {
            magnitude = fracA.SequenceCompareTo(fracB);
        }

        magnitude = Math.Sign(magnitude);
        return signA < 0 ? -magnitude : magnitude;
    }

    private static void Number(ReadOnlySpan<byte> s, out bool negative, out ReadOnlySpan<byte> integer, out ReadOnlySpan<byte> fraction)
    {
        int i = 0;
        while (i < s.Length && Blanks[s[i]])
        {
            i++;
        }

        negative = i < s.Length && s[i] == '-';
        if (negative)
        {
            i++;
        }

        while (i < s.Length && s[i] == '0')
        {
            i++;
        }

        int start = i;
        while (i < s.Length && s[i] - '0' is >= 0 and <= 9)
        {
            i++;
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

    /// <summary>GNU's <c>-g</c>: non-numbers first, then NaN, then numbers by value.</summary>
    private static int GeneralCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int classA = General(a, out double x), classB = General(b, out double y);
        if (classA != classB)
        {
            return classA < classB ? -1 : 1;
        }

        return classA == 2 ? x.CompareTo(y) : 0;
    }

    private static int General(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        int i = 0;
        while (i < s.Length && (Blanks[s[i]] || s[i] is (byte)'\v' or (byte)'\f' or (byte)'\r'))
        {
            i++;
        }

        // The longest prefix that strtod would take: sign, digits, fraction, exponent, or inf/nan.
        int start = i;
        if (i < s.Length && s[i] is (byte)'+' or (byte)'-')
        {
            i++;
        }

        int signEnd = i;
        int digits = 0;
        while (i < s.Length && char.IsAsciiDigit((char)s[i]))
        {
            i++;
            digits++;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit((char)s[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            string word = System.Text.Encoding.Latin1.GetString(s[signEnd..Math.Min(s.Length, signEnd + 3)]).ToLowerInvariant();
            bool minus = start < s.Length && s[start] == '-';
            if (word.StartsWith("nan", StringComparison.Ordinal))
            {
                return 1;
            }

            if (word.StartsWith("inf", StringComparison.Ordinal))
            {
                value = minus ? double.NegativeInfinity : double.PositiveInfinity;
                return 2;
            }

            return 0;
        }

        int mantissaEnd = i;
        if (i < s.Length && s[i] is (byte)'e' or (byte)'E')
        {
            int e = i + 1;
            if (e < s.Length && s[e] is (byte)'+' or (byte)'-')
            {
                e++;
            }

            int expDigits = e;
            while (e < s.Length && char.IsAsciiDigit((char)s[e]))
            {
                e++;
            }

            if (e > expDigits)
            {
                mantissaEnd = e;
            }
        }

        value = double.Parse(s[start..mantissaEnd], NumberStyles.Float, CultureInfo.InvariantCulture);
        return 2;
    }

    private static bool[] Table(Func<int, bool> predicate)
    {
        var table = new bool[256];
        for (int c = 0; c < 256; c++)
        {
            table[c] = predicate(c);
        }

        return table;
    }
}
