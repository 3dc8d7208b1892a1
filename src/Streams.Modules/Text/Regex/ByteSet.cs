namespace Streams.Modules.Text.Regex;

/// <summary>A set of bytes (Latin-1 chars 0–255): what one position of a pattern accepts.</summary>
internal sealed class ByteSet
{
    private readonly ulong[] _bits = new ulong[4];

    /// <summary>Whether <paramref name="c"/> is in the set; chars above 255 never are.</summary>
    public bool Contains(int c) => (uint)c < 256 && (_bits[c >> 6] & (1UL << (c & 63))) != 0;

    /// <summary>Adds one byte.</summary>
    public void Add(int c) => _bits[c >> 6] |= 1UL << (c & 63);

    /// <summary>Adds every byte of <paramref name="other"/>.</summary>
    public void UnionWith(ByteSet other)
    {
        for (int i = 0; i < _bits.Length; i++)
        {
            _bits[i] |= other._bits[i];
        }
    }

    /// <summary>Adds the bytes <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    public void AddRange(int first, int last)
    {
        for (int c = first; c <= last; c++)
        {
            Add(c);
        }
    }

    /// <summary>Adds the other case of every ASCII letter in the set (the C locale folds only ASCII).</summary>
    public void FoldCase()
    {
        for (int c = 'A'; c <= 'Z'; c++)
        {
            if (Contains(c) || Contains(c + 32))
            {
                Add(c);
                Add(c + 32);
            }
        }
    }

    /// <summary>Replaces the set with its complement over 0–255.</summary>
    public void Negate()
    {
        for (int i = 0; i < 4; i++)
        {
            _bits[i] = ~_bits[i];
        }
    }

    /// <summary>The number of bytes in the set.</summary>
    public int Count => System.Numerics.BitOperations.PopCount(_bits[0]) + System.Numerics.BitOperations.PopCount(_bits[1])
        + System.Numerics.BitOperations.PopCount(_bits[2]) + System.Numerics.BitOperations.PopCount(_bits[3]);

    /// <summary>The single byte of a one-byte set, or -1.</summary>
    public int Single()
    {
        if (Count != 1)
        {
            return -1;
        }

        for (int c = 0; c < 256; c++)
        {
            if (Contains(c))
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>Whether <paramref name="c"/> is a word constituent in the C locale: a letter, a digit or '_'.</summary>
    public static bool IsWord(int c) => (uint)(c - 'a') < 26 || (uint)(c - 'A') < 26 || (uint)(c - '0') < 10 || c == '_';

    /// <summary>Adds the bytes of a POSIX class such as <c>alpha</c>; false when the name is unknown.</summary>
    public bool AddClass(string name)
    {
        Func<int, bool>? test = name switch
        {
            "alpha" => c => (uint)((c | 32) - 'a') < 26,
            "digit" => c => (uint)(c - '0') < 10,
            "alnum" => c => (uint)((c | 32) - 'a') < 26 || (uint)(c - '0') < 10,
            "upper" => c => (uint)(c - 'A') < 26,
            "lower" => c => (uint)(c - 'a') < 26,
            "space" => c => c == ' ' || (uint)(c - '\t') <= 4,
            "blank" => c => c == ' ' || c == '\t',
            "punct" => c => c > 32 && c < 127 && !((uint)((c | 32) - 'a') < 26 || (uint)(c - '0') < 10),
            "print" => c => c >= 32 && c < 127,
            "graph" => c => c > 32 && c < 127,
            "cntrl" => c => c < 32 || c == 127,
            "xdigit" => c => (uint)(c - '0') < 10 || (uint)((c | 32) - 'a') < 6,
            _ => null,
        };
        if (test is null)
        {
            return false;
        }

        for (int c = 0; c < 128; c++)
        {
            if (test(c))
            {
                Add(c);
            }
        }

        return true;
    }

    /// <summary>Writes the set as a .NET character class such as <c>[a-z\u00e9]</c>.</summary>
    public void AppendDotNet(System.Text.StringBuilder sb)
    {
        int single = Single();
        if (single >= 0)
        {
            AppendChar(sb, single);
            return;
        }

        sb.Append('[');
        int c = 0;
        while (c < 256)
        {
            if (!Contains(c))
            {
                c++;
                continue;
            }

            int end = c;
            while (end + 1 < 256 && Contains(end + 1))
            {
                end++;
            }

            AppendChar(sb, c);
            if (end > c)
            {
                sb.Append('-');
                AppendChar(sb, end);
            }

            c = end + 1;
        }

        if (Count == 0)
        {
            // An empty class: matches nothing.
            sb.Append("\\u0000-\\uffff-[\\u0000-\\uffff]");
        }

        sb.Append(']');
    }

    /// <summary>Writes one char as a .NET pattern literal.</summary>
    public static void AppendChar(System.Text.StringBuilder sb, int c)
    {
        if ((uint)(c - 'a') < 26 || (uint)(c - 'A') < 26 || (uint)(c - '0') < 10)
        {
            sb.Append((char)c);
        }
        else
        {
            sb.Append("\\u").Append(c.ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
