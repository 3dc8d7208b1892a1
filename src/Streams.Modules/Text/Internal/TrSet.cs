namespace Streams.Modules.Text.Internal;

/// <summary>Parses a tr SET (escapes, ranges, <c>[:class:]</c>, <c>[=c=]</c>, <c>[c*n]</c>) into the bytes it
/// stands for, in order.</summary>
internal static class TrSet
{
    private static readonly string[] ClassNames = ["alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit"];

    /// <summary>The expanded set. A <c>[c*]</c> fill (only in SET2) is left for <see cref="Fill"/> as
    /// <paramref name="fillAt"/> and <paramref name="fillByte"/>; <paramref name="classes"/> lists the
    /// <c>[:class:]</c> constructs (by position in the set and name) and the <c>[=c=]</c> ones (named <c>=</c>).
    /// Returns an error message or null.</summary>
    public static string? TryParse(byte[] text, bool isSet2, out List<byte> set, out int fillAt, out byte fillByte, out List<(int At, string Name)> classes)
    {
        set = [];
        classes = [];
        fillAt = -1;
        fillByte = 0;
        List<(byte Value, bool Escaped)> items = Unescape(text);
        int i = 0;
        while (i < items.Count)
        {
            (byte c, bool escaped) = items[i];
            if (c == '[' && !escaped && i + 1 < items.Count)
            {
                byte next = items[i + 1].Value;
                if (next is (byte)':' or (byte)'=')
                {
                    int close = Find(items, i + 2, next);
                    if (close == i + 2)
                    {
                        return next == ':' ? "missing character class name '[::]'" : "missing equivalence class character '[==]'";
                    }

                    if (close > i + 2)
                    {
                        string name = string.Concat(items.GetRange(i + 2, close - i - 2).Select(x => (char)x.Value));
                        if (next == ':')
                        {
                            if (Array.IndexOf(ClassNames, name) < 0)
                            {
                                return $"invalid character class '{name}'";
                            }

                            if (isSet2 && name is not ("upper" or "lower"))
                            {
                                return "when translating, the only character classes that may appear in\nstring2 are 'upper' and 'lower'";
                            }

                            classes.Add((set.Count, name));
                            set.AddRange(Class(name));
                        }
                        else
                        {
                            if (close - i - 2 != 1)
                            {
                                return $"{name}: equivalence class operand must be a single character";
                            }

                            classes.Add((set.Count, "="));
                            set.Add(items[i + 2].Value);
                        }

                        i = close + 2;
                        continue;
                    }
                }

                // [c*n] / [c*]
                if (i + 2 < items.Count && items[i + 2] is { Value: (byte)'*', Escaped: false })
                {
                    int close = i + 3;
                    while (close < items.Count && !(items[close].Value == ']' && !items[close].Escaped))
                    {
                        close++;
                    }

                    if (close < items.Count)
                    {
                        string count = string.Concat(items.GetRange(i + 3, close - i - 3).Select(x => (char)x.Value));
                        // GNU allows [c*n] (n > 0) in SET1 too; only the filling [c*] / [c*0] is refused there.
                        bool fills = count.Length == 0 || count.All(d => d == '0');
                        if (fills && !isSet2)
                        {
                            return "the [c*] repeat construct may not appear in string1";
                        }

                        if (count.Length == 0)
                        {
                            if (fillAt >= 0)
                            {
                                return "only one [c*] repeat construct may appear in string2";
                            }

                            fillAt = set.Count;
                            fillByte = next;
                        }
                        else
                        {
                            long n;
                            try
                            {
                                n = count[0] == '0' ? Convert.ToInt64(count, 8) : long.Parse(count, System.Globalization.CultureInfo.InvariantCulture);
                            }
                            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
                            {
                                return $"invalid repeat count '{count}' in [c*n] construct";
                            }

                            if (n == 0)
                            {
                                if (fillAt >= 0)
                                {
                                    return "only one [c*] repeat construct may appear in string2";
                                }

                                fillAt = set.Count;
                                fillByte = next;
                            }
                            else
                            {
                                set.AddRange(Enumerable.Repeat(next, (int)Math.Min(n, 1 << 20)));
                            }
                        }

                        i = close + 1;
                        continue;
                    }
                }
            }

            if (i + 2 < items.Count && items[i + 1] is { Value: (byte)'-', Escaped: false })
            {
                byte last = items[i + 2].Value;
                if (last < c)
                {
                    return $"range-endpoints of '{Show(c)}-{Show(last)}' are in reverse collating sequence order";
                }

                for (int b = c; b <= last; b++)
                {
                    set.Add((byte)b);
                }

                i += 3;
                continue;
            }

            set.Add(c);
            i++;
        }

        return null;
    }

    /// <summary>Expands SET2's <c>[c*]</c> so that it is as long as SET1.</summary>
    /// <remarks>The constructs in <paramref name="classes"/> after the fill move with it.</remarks>
    public static void Fill(List<byte> set2, List<(int At, string Name)> classes, int fillAt, byte fillByte, int length1)
    {
        if (fillAt >= 0)
        {
            int count = Math.Max(0, length1 - set2.Count);
            set2.InsertRange(fillAt, Enumerable.Repeat(fillByte, count));
            for (int i = 0; i < classes.Count; i++)
            {
                if (classes[i].At >= fillAt)
                {
                    classes[i] = (classes[i].At + count, classes[i].Name);
                }
            }
        }
    }

    /// <summary>The number of bytes in class <paramref name="name"/>.</summary>
    public static int ClassLength(string name) => name == "=" ? 1 : Class(name).Count();

    private static string Show(byte b) => b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\{Convert.ToString(b, 8).PadLeft(3, '0')}";

    private static int Find(List<(byte Value, bool Escaped)> items, int from, byte kind)
    {
        for (int j = from; j + 1 < items.Count; j++)
        {
            if (items[j] == (kind, false) && items[j + 1] == ((byte)']', false))
            {
                return j;
            }
        }

        return -1;
    }

    private static IEnumerable<byte> Class(string name)
    {
        for (int c = 0; c < 256; c++)
        {
            bool yes = name switch
            {
                "alnum" => char.IsAsciiLetterOrDigit((char)c),
                "alpha" => char.IsAsciiLetter((char)c),
                "blank" => c is ' ' or '\t',
                "cntrl" => c < 32 || c == 127,
                "digit" => char.IsAsciiDigit((char)c),
                "graph" => c is > 32 and < 127,
                "lower" => char.IsAsciiLetterLower((char)c),
                "print" => c is >= 32 and < 127,
                "punct" => c is > 32 and < 127 && !char.IsAsciiLetterOrDigit((char)c),
                "space" => c is ' ' or (>= 9 and <= 13),
                "upper" => char.IsAsciiLetterUpper((char)c),
                _ => char.IsAsciiHexDigit((char)c),
            };
            if (yes)
            {
                yield return (byte)c;
            }
        }
    }

    private static List<(byte Value, bool Escaped)> Unescape(byte[] text)
    {
        var items = new List<(byte, bool)>();
        for (int i = 0; i < text.Length; i++)
        {
            byte c = text[i];
            if (c != '\\' || i + 1 >= text.Length)
            {
                items.Add((c, false));
                continue;
            }

            byte e = text[++i];
            switch ((char)e)
            {
                case 'a': items.Add((7, true)); break;
                case 'b': items.Add((8, true)); break;
                case 'f': items.Add((12, true)); break;
                case 'n': items.Add((10, true)); break;
                case 'r': items.Add((13, true)); break;
                case 't': items.Add((9, true)); break;
                case 'v': items.Add((11, true)); break;
                case >= '0' and <= '7':
                    int value = e - '0';
                    for (int k = 0; k < 2 && i + 1 < text.Length && text[i + 1] is >= (byte)'0' and <= (byte)'7'; k++)
                    {
                        int next = value * 8 + (text[i + 1] - '0');
                        if (next > 255)
                        {
                            break;
                        }

                        value = next;
                        i++;
                    }

                    items.Add(((byte)value, true));
                    break;
                default: items.Add((e, true)); break;
            }
        }

        return items;
    }
}
