namespace Streams.Modules.Text.Internal;

/// <summary>tr's translation table from SET1 to SET2 with GNU's checks: no <c>[=c=]</c> in SET2; each
/// <c>[:upper:]</c> or <c>[:lower:]</c> of SET2 must start where one of SET1 starts (unless complementing);
/// SET2 is extended with its last byte and must then not end with a class; with <c>-c</c> and a class in SET1,
/// SET2 must be one byte repeated to SET1's length.</summary>
/// <remarks>The positions walk both sets in step as GNU's <c>get_next</c> does, a class pair (lower to upper or
/// the reverse) converting case and consuming the whole of both classes; so <c>tr '\n' 'x[:upper:]'</c> is
/// valid (the class is never reached) while <c>tr ab '[:upper:]'</c> is misaligned.</remarks>
internal static class TrTranslation
{
    /// <summary>Fills <paramref name="map"/> (identity on entry). <paramref name="set1"/> is SET1 as written
    /// (not complemented); <paramref name="set2"/> has its <c>[c*]</c> fill expanded already. Returns an error
    /// message, or null.</summary>
    public static string? TryBuild(List<byte> set1, List<(int At, string Name)> classes1, List<byte> set2, List<(int At, string Name)> classes2, bool complement, bool truncate, byte[] map)
    {
        if (classes2.Exists(c => c.Name == "="))
        {
            return "[=c=] expressions may not appear in string2 when translating";
        }

        List<(int At, int Length, string Name)> cases1 = Cases(classes1), cases2 = Cases(classes2);
        if (!complement && cases2.Count > 0 && !Aligned(set1.Count, cases1, set2.Count, cases2))
        {
            return "misaligned [:upper:] and/or [:lower:] construct";
        }

        List<byte> source = complement ? Complement(set1) : set1;
        List<byte> target = [.. set2];
        if (source.Count > target.Count && !truncate)
        {
            if (target.Count == 0)
            {
                return "when not truncating set1, string2 must be non-empty";
            }

            if (cases2.Exists(c => c.At + c.Length == target.Count))
            {
                return "when translating with string1 longer than string2,\nthe latter string must not end with a character class";
            }

            target.AddRange(Enumerable.Repeat(target[^1], source.Count - target.Count));
        }

        if (complement)
        {
            if (classes1.Exists(c => c.Name != "=") && !(target.Count == source.Count && target.TrueForAll(b => b == target[0])))
            {
                return "when translating with complemented character classes,\nstring2 must map all characters in the domain to one";
            }

            for (int i = 0; i < source.Count && i < target.Count; i++)
            {
                map[source[i]] = target[i];
            }

            return null;
        }

        Translate(source, cases1, target, cases2, map);
        return null;
    }

    /// <summary>Both sets in step; at a class of SET2 (which starts with one of SET1) the case conversion, or
    /// nothing for a class to the same class.</summary>
    private static void Translate(List<byte> set1, List<(int At, int Length, string Name)> cases1, List<byte> set2, List<(int At, int Length, string Name)> cases2, byte[] map)
    {
        int p1 = 0, p2 = 0;
        while (p1 < set1.Count && p2 < set2.Count)
        {
            (int At, int Length, string Name) class2 = cases2.Find(c => c.At == p2);
            if (class2.Name == null)
            {
                map[set1[p1++]] = set2[p2++];
                continue;
            }

            (int At, int Length, string Name) class1 = cases1.Find(c => c.At == p1);
            if (class1.Name != class2.Name)
            {
                bool toUpper = class2.Name == "upper";
                for (int b = 0; b < 256; b++)
                {
                    if (toUpper ? char.IsAsciiLetterLower((char)b) : char.IsAsciiLetterUpper((char)b))
                    {
                        map[b] = (byte)(b ^ 0x20);
                    }
                }
            }

            p1 += Math.Max(1, class1.Length);
            p2 += class2.Length;
        }
    }

    /// <summary>GNU's <c>validate_case_classes</c>: wherever SET2 enters an upper or lower class, SET1 must enter
    /// one too (not be inside another construct, nor at its end).</summary>
    private static bool Aligned(int length1, List<(int At, int Length, string Name)> cases1, int length2, List<(int At, int Length, string Name)> cases2)
    {
        int p1 = 0, p2 = 0;
        while (true)
        {
            bool end1 = p1 >= length1, end2 = p2 >= length2;
            (int At, int Length, string Name) class2 = end2 ? default : cases2.Find(c => c.At == p2);
            (int At, int Length, string Name) class1 = end1 ? default : cases1.Find(c => c.At == p1);
            if (class2.Name != null && class1.Name == null)
            {
                return false;
            }

            if (end1 || end2)
            {
                return true;
            }

            p1 += class2.Name != null ? class1.Length : 1;
            p2 += class2.Name != null ? class2.Length : 1;
        }
    }

    private static List<(int At, int Length, string Name)> Cases(List<(int At, string Name)> classes)
        => [.. classes.Where(c => c.Name is "upper" or "lower").Select(c => (c.At, TrSet.ClassLength(c.Name), c.Name))];

    /// <summary>The bytes not in <paramref name="set"/>, in increasing order.</summary>
    public static List<byte> Complement(List<byte> set)
    {
        var present = new bool[256];
        foreach (byte b in set)
        {
            present[b] = true;
        }

        var result = new List<byte>(256);
        for (int b = 0; b < 256; b++)
        {
            if (!present[b])
            {
                result.Add((byte)b);
            }
        }

        return result;
    }
}
