namespace Streams.Modules.Text.Internal;

/// <summary>One <c>-k</c> key of sort, or the whole-line key made of the global options, with GNU's field
/// arithmetic (fields and characters counted from 0 here).</summary>
internal sealed class SortKey
{
    /// <summary>First field, from 0; -1 for the start of the line.</summary>
    public int StartField { get; set; } = -1;

    /// <summary>Characters to skip in the first field.</summary>
    public int StartChar { get; set; }

    /// <summary>Last field, from 0; -1 for the end of the line.</summary>
    public int EndField { get; set; } = -1;

    /// <summary>Last character in the last field, from 1; 0 for the end of the field.</summary>
    public int EndChar { get; set; }

    /// <summary><c>b</c> on the start position.</summary>
    public bool SkipStartBlanks { get; set; }

    /// <summary><c>b</c> on the end position.</summary>
    public bool SkipEndBlanks { get; set; }

    /// <summary><c>n</c>.</summary>
    public bool Numeric { get; set; }

    /// <summary><c>g</c>.</summary>
    public bool General { get; set; }

    /// <summary><c>f</c>.</summary>
    public bool Fold { get; set; }

    /// <summary><c>d</c>.</summary>
    public bool Dictionary { get; set; }

    /// <summary><c>i</c>.</summary>
    public bool NonPrinting { get; set; }

    /// <summary><c>r</c>.</summary>
    public bool Reverse { get; set; }

    /// <summary>Whether the key has ordering options of its own (then it does not inherit the global ones).</summary>
    public bool HasOrdering => SkipStartBlanks || SkipEndBlanks || Numeric || General || Human || Month || Version || Random || Fold || Dictionary || NonPrinting;

    /// <summary>-h: human-readable numbers (2K, 1G).</summary>
    public bool Human { get; set; }

    /// <summary>-M: month names (an unknown name first, then JAN … DEC).</summary>
    public bool Month { get; set; }

    /// <summary>-V: version numbers within text (GNU's filevercmp).</summary>
    public bool Version { get; set; }

    /// <summary>-R: by a hash of the key salted with <see cref="Seed"/> (equal keys stay together).</summary>
    public bool Random { get; set; }

    /// <summary>The salt of <see cref="Random"/>, the same for every key of one run.</summary>
    public ulong Seed { get; set; }

    /// <summary>GNU's refusal of two orderings on one key (<c>-n</c>, <c>-g</c>, <c>-h</c>, <c>-M</c>, and <c>-V</c>,
    /// <c>-d</c> or <c>-i</c>): the key's letters as GNU lists them (<c>gn</c>), or null when they go together.</summary>
    public string? Incompatible()
    {
        int orderings = (Numeric ? 1 : 0) + (General ? 1 : 0) + (Human ? 1 : 0) + (Month ? 1 : 0) + (Version || Random || Dictionary || NonPrinting ? 1 : 0);
        if (orderings < 2)
        {
            return null;
        }

        var letters = new System.Text.StringBuilder();
        foreach ((bool set, char letter) in new[] { (Dictionary, 'd'), (Fold, 'f'), (General, 'g'), (Human, 'h'), (NonPrinting, 'i'), (Month, 'M'), (Numeric, 'n'), (Random, 'R'), (Version, 'V') })
        {
            if (set)
            {
                letters.Append(letter);
            }
        }

        return letters.ToString();
    }

    /// <summary>Applies one option letter; false when the letter is not one.</summary>
    public bool Apply(char c, bool end)
    {
        switch (c)
        {
            case 'b':
                if (end)
                {
                    SkipEndBlanks = true;
                }
                else
                {
                    SkipStartBlanks = true;
                }

                break;
            case 'd': Dictionary = true; break;
            case 'f': Fold = true; break;
            case 'g': General = true; break;
            case 'h': Human = true; break;
            case 'i': NonPrinting = true; break;
            case 'M': Month = true; break;
            case 'V': Version = true; break;
            case 'R': Random = true; break;
            case 'n': Numeric = true; break;
            case 'r': Reverse = true; break;
            default: return false;
        }

        return true;
    }

    /// <summary>Copies the global options into a key that has none of its own.</summary>
    public void Inherit(SortKey global)
    {
        SkipStartBlanks = global.SkipStartBlanks;
        SkipEndBlanks = global.SkipEndBlanks;
        Numeric = global.Numeric;
        General = global.General;
        Human = global.Human;
        Month = global.Month;
        Version = global.Version;
        Random = global.Random;
        Fold = global.Fold;
        Dictionary = global.Dictionary;
        NonPrinting = global.NonPrinting;
        Reverse = global.Reverse;
    }

    /// <summary>Parses <c>F[.C][OPTS][,F[.C][OPTS]]</c>; returns an error message or null.</summary>
    public static string? TryParse(string spec, out SortKey key)
    {
        key = new SortKey();
        int i = 0;
        if (!Number(spec, ref i, out long field))
        {
            return $"invalid number at field start: invalid count at start of '{spec[i..]}'";
        }

        if (field == 0)
        {
            return $"field number is zero: invalid field specification '{spec}'";
        }

        key.StartField = (int)Math.Min(field - 1, int.MaxValue);
        if (i < spec.Length && spec[i] == '.')
        {
            i++;
            if (!Number(spec, ref i, out long ch))
            {
                return $"invalid number after '.': invalid count at start of '{spec[i..]}'";
            }

            if (ch == 0)
            {
                return $"character offset is zero: invalid field specification '{spec}'";
            }

            key.StartChar = (int)Math.Min(ch - 1, int.MaxValue);
        }

        for (; i < spec.Length && spec[i] != ','; i++)
        {
            if (!key.Apply(spec[i], end: false))
            {
                return $"stray character in field spec: invalid field specification '{spec}'";
            }
        }

        if (i < spec.Length)
        {
            i++;
            if (!Number(spec, ref i, out long endField))
            {
                return $"invalid number after ',': invalid count at start of '{spec[i..]}'";
            }

            if (endField == 0)
            {
                return $"field number is zero: invalid field specification '{spec}'";
            }

            key.EndField = (int)Math.Min(endField - 1, int.MaxValue);
            if (i < spec.Length && spec[i] == '.')
            {
                i++;
                if (!Number(spec, ref i, out long endChar))
                {
                    return $"invalid number after '.': invalid count at start of '{spec[i..]}'";
                }

                key.EndChar = (int)Math.Min(endChar, int.MaxValue);
            }

            for (; i < spec.Length; i++)
            {
                if (!key.Apply(spec[i], end: true))
                {
                    return $"stray character in field spec: invalid field specification '{spec}'";
                }
            }
        }

        return null;
    }

    /// <summary>Reads a count as GNU's xstrtoumax does: white space and one '+' may precede the digits (so
    /// <c>-k+1</c> and <c>-k' 2'</c> are fields 1 and 2), a '-' may not; a count past the largest is the largest.
    /// On failure <paramref name="i"/> stays where the count was to start, which the message quotes from.</summary>
    private static bool Number(string s, ref int i, out long value)
    {
        bool read = Counts.TryReadUnsigned(s, ref i, out ulong number, out _);
        value = (long)Math.Min(number, int.MaxValue);
        return read;
    }
}
