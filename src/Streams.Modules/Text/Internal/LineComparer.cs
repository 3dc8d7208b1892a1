using System.Globalization;

namespace Streams.Modules.Text.Internal;

/// <summary>A line of sort's input: an offset and a length into the one array that holds all input, and where
/// the first key lies in it (computed once per line, as GNU does, rather than on every comparison); for a
/// numeric first key that is a plain integer of at most 18 digits, its value (<see cref="HasInteger"/>).</summary>
internal readonly record struct LineSpan(int Start, int Length, int KeyStart = 0, int KeyLength = 0, long Integer = 0, bool HasInteger = false);

/// <summary>GNU sort's comparison in the C locale: the keys in order, then (unless <c>-s</c> or <c>-u</c>) the
/// whole line byte by byte; equal lines keep their input order.</summary>
internal readonly partial struct LineComparer : IComparer<LineSpan>
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
        if (x.HasInteger && y.HasInteger && _keys.Length == 1)
        {
            // sort -n on plain integers (the common case): one comparison of the values read once.
            int byValue = x.Integer.CompareTo(y.Integer);
            if (byValue != 0 || !_lastResort)
            {
                return _keys[0].Reverse ? -byValue : byValue;
            }
        }
        else if (_keys.Length > 0)
        {
            int diff = CompareKeys(x, y, a, b);
            if (diff != 0 || !_lastResort)
            {
                return diff;
            }
        }

        int last = a.SequenceCompareTo(b);
        return _reverse ? -last : last;
    }

    /// <summary>Returns <paramref name="line"/> with the place of its first key filled in.</summary>
    public LineSpan WithKey(LineSpan line)
    {
        ReadOnlySpan<byte> text = _data.AsSpan(line.Start, line.Length);
        (int begin, int end) = Bounds(text, _keys[0]);
        if (_keys[0].Numeric && PlainInteger(text[begin..end], out long value))
        {
            return line with { KeyStart = begin, KeyLength = end - begin, Integer = value, HasInteger = true };
        }

        return line with { KeyStart = begin, KeyLength = end - begin };
    }

    private int CompareKeys(LineSpan x, LineSpan y, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        for (int k = 0; k < _keys.Length; k++)
        {
            SortKey key = _keys[k];
            ReadOnlySpan<byte> ka = k == 0 ? a.Slice(x.KeyStart, x.KeyLength) : Extract(a, key);
            ReadOnlySpan<byte> kb = k == 0 ? b.Slice(y.KeyStart, y.KeyLength) : Extract(b, key);
            int diff;
            if (k == 0 && x.HasInteger && y.HasInteger)
            {
                // Both first keys are plain integers: their values order them as NumericCompare would.
                diff = x.Integer.CompareTo(y.Integer);
            }
            else if (key.Numeric)
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
        (int begin, int end) = Bounds(line, key);
        return line[begin..end];
    }

    private (int Begin, int End) Bounds(ReadOnlySpan<byte> line, SortKey key)
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

        return lim <= begin ? (begin, begin) : (begin, lim);
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
