using System.Globalization;

namespace Streams.Modules.Text.Internal;

/// <summary>Parses counts the way head, tail and friends do (<c>10</c>, <c>+3</c>, <c>-2</c>, <c>1K</c>, <c>2MB</c>).</summary>
internal static class Counts
{
    /// <summary>Parses an unsigned count with an optional GNU size suffix (b 512, K or k 1024, KB 1000, KiB 1024,
    /// M or m, G, T, P, E, Z, Y) as xstrtoumax does: C blanks, then an optional '+', then digits. False when it
    /// is not one, or (as GNU's "Value too large for defined data type") when it is past 2^64-1. Saturates at
    /// <see cref="long.MaxValue"/>.</summary>
    public static bool TryParseSize(string text, out long value)
    {
        value = 0;
        if (Digits(text, out int end) is not decimal number)
        {
            return false;
        }

        string suffix = text[end..];
        decimal multiplier = 1;
        if (suffix.Length > 0)
        {
            if (suffix == "b")
            {
                multiplier = 512;
            }
            else
            {
                int power = "KMGTPEZY".IndexOf(suffix[0], StringComparison.Ordinal) + 1;
                power = power == 0 && suffix[0] is 'k' or 'm' ? "KMGTPEZY".IndexOf(char.ToUpperInvariant(suffix[0]), StringComparison.Ordinal) + 1 : power;
                string rest = suffix[1..];
                if (power == 0 || (rest != "" && rest != "B" && rest != "iB") || (suffix[0] == 'k' && rest == "iB"))
                {
                    return false;
                }

                decimal unit = rest == "B" ? 1000 : 1024;
                for (int p = 0; p < power && multiplier <= ulong.MaxValue; p++)
                {
                    multiplier *= unit;
                }
            }
        }

        if (multiplier > ulong.MaxValue || (number != 0 && multiplier > ulong.MaxValue / number))
        {
            return false;
        }

        decimal total = number * multiplier;
        value = total >= long.MaxValue ? long.MaxValue : (long)total;
        return true;
    }

    /// <summary>Parses a count with no suffix as GNU uniq's xstrtoumax does (C blanks, an optional '+',
    /// digits, nothing after); one past the range saturates at <see cref="long.MaxValue"/>.</summary>
    public static bool TryParseCount(string text, out long value)
    {
        value = 0;
        if (Digits(text, out int end) is not decimal number || end != text.Length)
        {
            return false;
        }

        value = number >= long.MaxValue ? long.MaxValue : (long)number;
        return true;
    }

    /// <summary>The number at the start of <paramref name="text"/> after C blanks and an optional '+' (null
    /// without digits), 2^64 when past 2^64-1 so that the caller can tell an overflow; <paramref name="end"/> is
    /// where the digits end.</summary>
    private static decimal? Digits(string text, out int end)
    {
        end = 0;
        return TryReadUnsigned(text, ref end, out ulong value, out bool overflow) ? overflow ? (decimal)ulong.MaxValue + 1 : value : null;
    }

    /// <summary>The digits of gnulib's xstrtoumax (base 10) from <paramref name="i"/>: C blanks, one optional '+'
    /// (a '-' is no number), then decimal digits, read up to 2^64-1 (<paramref name="overflow"/> past it, with
    /// <paramref name="value"/> the largest). False when there is no digit, leaving <paramref name="i"/> as it
    /// was; else <paramref name="i"/> is where the digits end (a suffix, if any, is the caller's).</summary>
    public static bool TryReadUnsigned(string text, ref int i, out ulong value, out bool overflow)
    {
        value = 0;
        overflow = false;
        int at = i;
        while (at < text.Length && text[at] is ' ' or (>= '\t' and <= '\r'))
        {
            at++;
        }

        if (at < text.Length && text[at] == '+')
        {
            at++;
        }

        int start = at;
        for (; at < text.Length && char.IsAsciiDigit(text[at]); at++)
        {
            ulong digit = (ulong)(text[at] - '0');
            overflow |= value > (ulong.MaxValue - digit) / 10;
            value = overflow ? ulong.MaxValue : (value * 10) + digit;
        }

        if (at == start)
        {
            return false;
        }

        i = at;
        return true;
    }
}
