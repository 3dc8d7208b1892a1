using System.Globalization;

namespace Streams.Modules.Text.Internal;

/// <summary>Parses counts the way head, tail and friends do (<c>10</c>, <c>+3</c>, <c>-2</c>, <c>1K</c>, <c>2MB</c>).</summary>
internal static class Counts
{
    /// <summary>Parses an unsigned count with an optional GNU size suffix (b 512, K 1024, KB 1000, KiB 1024,
    /// M, G, T …); false when it is not one. Saturates at <see cref="long.MaxValue"/>.</summary>
    public static bool TryParseSize(string text, out long value)
    {
        value = 0;
        int i = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == 0 || !decimal.TryParse(text.AsSpan(0, i), NumberStyles.None, CultureInfo.InvariantCulture, out decimal number))
        {
            return false;
        }

        string suffix = text[i..];
        decimal multiplier = 1;
        if (suffix.Length > 0)
        {
            if (suffix == "b")
            {
                multiplier = 512;
            }
            else
            {
                int power = "KMGTPEZY".IndexOf(char.ToUpperInvariant(suffix[0]), StringComparison.Ordinal) + 1;
                string rest = suffix[1..];
                if (power == 0 || (rest != "" && rest != "B" && rest != "iB") || (suffix[0] == 'k' && rest == "iB"))
                {
                    return false;
                }

                decimal unit = rest == "B" ? 1000 : 1024;
                for (int p = 0; p < power && multiplier < long.MaxValue; p++)
                {
                    multiplier *= unit;
                }
            }
        }

        try
        {
            decimal total = number * multiplier;
            value = total >= long.MaxValue ? long.MaxValue : (long)total;
        }
        catch (OverflowException)
        {
            value = long.MaxValue;
        }

        return true;
    }
}
