namespace Streams.Modules.Text.Internal;

// sort -V: GNU's filevercmp (gnulib), the Debian version comparison applied to file names.
internal readonly partial struct LineComparer
{
    /// <summary>Compares two keys as version strings: the empty one first, then names starting with "." (".",
    /// "..", the others), then the rest; a file suffix (<c>.tar.gz</c>) only breaks ties; within a name, runs of
    /// digits compare by value and the text between them by <see cref="VersionOrder"/>.</summary>
    internal static int VersionCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.IsEmpty || b.IsEmpty)
        {
            return (a.IsEmpty ? 0 : 1) - (b.IsEmpty ? 0 : 1);
        }

        if (a[0] == (byte)'.')
        {
            if (b[0] != (byte)'.')
            {
                return -1;
            }

            bool aDot = a.Length == 1, bDot = b.Length == 1;
            if (aDot || bDot)
            {
                return (aDot ? 0 : 1) - (bDot ? 0 : 1);
            }

            bool aDotDot = a.Length == 2 && a[1] == (byte)'.', bDotDot = b.Length == 2 && b[1] == (byte)'.';
            if (aDotDot || bDotDot)
            {
                return (aDotDot ? 0 : 1) - (bDotDot ? 0 : 1);
            }
        }
        else if (b[0] == (byte)'.')
        {
            return 1;
        }

        int aPrefix = PrefixLength(a), bPrefix = PrefixLength(b);
        int result = VersionRevCompare(a[..aPrefix], b[..bPrefix]);
        return result != 0 || (aPrefix == a.Length && bPrefix == b.Length) ? result : VersionRevCompare(a, b);
    }

    // The length of the name without its suffix: the longest match of (\.[A-Za-z~][A-Za-z0-9~]*)*$, which may
    // be the whole name (".gz" has an empty prefix, as in coreutils 9).
    private static int PrefixLength(ReadOnlySpan<byte> s)
    {
        int i = 0;
        while (true)
        {
            int prefix = i;
            while (i + 1 < s.Length && s[i] == (byte)'.' && (IsAlpha(s[i + 1]) || s[i + 1] == (byte)'~'))
            {
                for (i += 2; i < s.Length && (IsAlpha(s[i]) || IsDigit(s[i]) || s[i] == (byte)'~'); i++)
                {
                }
            }

            if (i == s.Length)
            {
                return prefix;
            }

            i++;
        }
    }

    // The order of a byte between digit runs: the end before anything but "~", "~" first of all, letters by
    // their code, other bytes after every letter.
    private static int VersionOrder(ReadOnlySpan<byte> s, int pos) =>
        pos == s.Length ? -1
        : IsDigit(s[pos]) ? 0
        : IsAlpha(s[pos]) ? s[pos]
        : s[pos] == (byte)'~' ? -2
        : s[pos] + 256;

    private static int VersionRevCompare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            int firstDiff = 0;
            while ((i < a.Length && !IsDigit(a[i])) || (j < b.Length && !IsDigit(b[j])))
            {
                int ac = VersionOrder(a, i), bc = VersionOrder(b, j);
                if (ac != bc)
                {
                    return ac - bc;
                }

                i++;
                j++;
            }

            while (i < a.Length && a[i] == (byte)'0')
            {
                i++;
            }

            while (j < b.Length && b[j] == (byte)'0')
            {
                j++;
            }

            while (i < a.Length && j < b.Length && IsDigit(a[i]) && IsDigit(b[j]))
            {
                if (firstDiff == 0)
                {
                    firstDiff = a[i] - b[j];
                }

                i++;
                j++;
            }

            if (i < a.Length && IsDigit(a[i]))
            {
                return 1;
            }

            if (j < b.Length && IsDigit(b[j]))
            {
                return -1;
            }

            if (firstDiff != 0)
            {
                return firstDiff;
            }
        }

        return 0;
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static bool IsAlpha(byte c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';
}
