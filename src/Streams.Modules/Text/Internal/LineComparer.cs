using System.Globalization;
using System.Runtime.CompilerServices;

namespace Streams.Modules.Text.Internal;

/// <summary>A line of sort's input: an offset and a length into the one array that holds all input, and where
/// the first key lies in it (computed once per line, as GNU does, rather than on every comparison) — or, for a
/// numeric first key that is a plain integer of at most 18 digits, its value (<see cref="HasInteger"/>); for a sort
/// without keys, the line's first eight bytes (<see cref="Prefix"/>).</summary>
/// <remarks>16 bytes, as sorting moves these around: the integer takes the place of the key's bounds and the top
/// bit of the length says which is there (a 32-byte layout made plain sorts 30 % slower).</remarks>
internal readonly struct LineSpan
{
    private readonly int _start;
    private readonly int _length;
    private readonly int _a;
    private readonly int _b;

    public LineSpan(int start, int length)
        : this(start, length, 0, 0)
    {
    }

    private LineSpan(int start, int length, int a, int b)
    {
        _start = start;
        _length = length;
        _a = a;
        _b = b;
    }

    public int Start => _start;

    public int Length => _length & int.MaxValue;

    /// <summary>Whether the first key is held as <see cref="Integer"/> rather than by its bounds.</summary>
    public bool HasInteger => _length < 0;

    /// <summary>Where the first key starts in the line (when not <see cref="HasInteger"/>).</summary>
    public int KeyStart => _a;

    /// <summary>The first key's length (when not <see cref="HasInteger"/>).</summary>
    public int KeyLength => _b;

    /// <summary>The first key's value (when <see cref="HasInteger"/>).</summary>
    public long Integer => ((long)_a << 32) | (uint)_b;

    public LineSpan WithKey(int keyStart, int keyLength) => new(_start, Length, keyStart, keyLength);

    public LineSpan WithInteger(long value) => new(_start, Length | int.MinValue, (int)(value >> 32), (int)value);

    /// <summary>For a comparer without keys, where <see cref="HasInteger"/> says the slot is filled: the line's first
    /// eight bytes as a big-endian number, zeros past its end, so that most comparisons are one of two numbers.</summary>
    public ulong Prefix => (ulong)Integer;

    public LineSpan WithPrefix(ulong prefix) => WithInteger((long)prefix);
}

/// <summary>GNU sort's comparison in the C locale: the keys in order, then (unless <c>-s</c> or <c>-u</c>) the
/// whole line byte by byte. Equal lines keep their input order because the sort (<see cref="LineSort"/>) and the
/// merges are stable.</summary>
internal readonly partial struct LineComparer
{
    private static readonly bool[] Blanks = Table(c => c is ' ' or '\t' or '\n');

    // GNU: neither alphanumeric nor a field separator (a blank or a newline, which -z lines hold).
    private static readonly bool[] NotDictionary = Table(c => !(char.IsAsciiLetterOrDigit((char)c) || c is ' ' or '\t' or '\n'));
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

    /// <summary>Whether there are keys (else lines compare as wholes, and <see cref="WithKey(LineSpan)"/> fills
    /// in their first bytes).</summary>
    public bool Keyed => _keys.Length > 0;

    /// <summary>Whether lines compare as wholes in byte order (no keys, no <c>-r</c>): what <see cref="LineRadix"/>
    /// sorts.</summary>
    public bool WholeLines => _keys.Length == 0 && !_reverse;

    /// <summary>Whether the only key is numeric and ascending (<c>sort -n</c>, <c>-k2,2n</c>; not <c>-r</c>), so that
    /// lines whose keys are plain integers order by those first: what <see cref="LineRadix.TrySortByInteger"/>
    /// sorts.</summary>
    public bool AscendingIntegerKey => _keys.Length == 1 && _keys[0].Numeric && !_keys[0].Reverse && !_reverse;

    /// <summary>The bytes the lines given to <see cref="CompareContent(LineSpan, LineSpan)"/> lie in.</summary>
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>Orders two lines of the comparer's data (zero for equal lines: what <c>-u</c> uses for
    /// equality).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int CompareContent(LineSpan x, LineSpan y)
    {
        if (x.HasInteger && y.HasInteger && _keys.Length <= 1 && x.Integer != y.Integer)
        {
            // Whole lines that differ in their first eight bytes (the common case of a plain sort), or one numeric
            // key read once as a plain integer (of sort -n): one comparison of two numbers.
            return _keys.Length == 0
                ? (x.Prefix < y.Prefix) != _reverse ? -1 : 1
                : (x.Integer < y.Integer) != _keys[0].Reverse ? -1 : 1;
        }

        return CompareContent(_data.AsSpan(x.Start, x.Length), x, _data.AsSpan(y.Start, y.Length), y);
    }

    /// <summary>Orders two lines held anywhere (<paramref name="a"/> and <paramref name="b"/> are their bytes;
    /// <paramref name="x"/> and <paramref name="y"/> only give their first keys, relative to the line), without
    /// a tie-break: what the merge of sorted runs uses, as its lines lie in different buffers.</summary>
    public int CompareContent(ReadOnlySpan<byte> a, LineSpan x, ReadOnlySpan<byte> b, LineSpan y)
    {
        if (_keys.Length == 0 && x.HasInteger && y.HasInteger)
        {
            // Both first eight bytes known (zeros past a line's end): when they are equal and a line is no longer
            // than that, it is the start of the other line, and the shorter one goes first.
            int byBytes = x.Prefix != y.Prefix ? (x.Prefix < y.Prefix ? -1 : 1)
                : Math.Min(a.Length, b.Length) <= sizeof(ulong) ? a.Length.CompareTo(b.Length)
                : a[sizeof(ulong)..].SequenceCompareTo(b[sizeof(ulong)..]);
            return _reverse ? -byBytes : byBytes;
        }

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
    public LineSpan WithKey(LineSpan line) => WithKey(_data.AsSpan(line.Start, line.Length), line);

    /// <summary>Returns <paramref name="line"/> with the place of its first key in <paramref name="text"/> (the
    /// line's bytes) filled in.</summary>
    public LineSpan WithKey(ReadOnlySpan<byte> text, LineSpan line)
    {
        if (_keys.Length == 0)
        {
            return line.WithPrefix(LineRadix.Leading(text));
        }

        (int begin, int end) = Bounds(text, _keys[0]);
        if (_keys[0].Numeric && PlainInteger(text[begin..end], out long value))
        {
            return line.WithInteger(value);
        }

        return line.WithKey(begin, end - begin);
    }

    private int CompareKeys(LineSpan x, LineSpan y, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        for (int k = 0; k < _keys.Length; k++)
        {
            SortKey key = _keys[k];
            int diff;
            if (k == 0 && x.HasInteger && y.HasInteger)
            {
                // Both first keys are plain integers: their values order them as NumericCompare would.
                diff = x.Integer.CompareTo(y.Integer);
                if (diff != 0)
                {
                    return key.Reverse ? -diff : diff;
                }

                continue;
            }

            // A first key held as an integer has no bounds kept: find them again (only against a line whose
            // key is not a plain integer).
            ReadOnlySpan<byte> ka = k == 0 && !x.HasInteger ? a.Slice(x.KeyStart, x.KeyLength) : Extract(a, key);
            ReadOnlySpan<byte> kb = k == 0 && !y.HasInteger ? b.Slice(y.KeyStart, y.KeyLength) : Extract(b, key);
            if (key.Random)
            {
                // First, as GNU's keycompare: -R with -V or -f still shuffles.
                diff = RandomCompare(ka, kb, key);
            }
            else if (key.Numeric)
            {
                diff = NumericCompare(ka, kb);
            }
            else if (key.General)
            {
                diff = GeneralCompare(ka, kb);
            }
            else if ((key.Human || key.Version) && (key.Fold || key.Dictionary || key.NonPrinting))
            {
                diff = TranslatedCompare(ka, kb, key);
            }
            else if (key.Human)
            {
                diff = HumanCompare(ka, kb);
            }
            else if (key.Month)
            {
                diff = MonthOf(ka) - MonthOf(kb);
            }
            else if (key.Version)
            {
                diff = VersionCompare(ka, kb);
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
