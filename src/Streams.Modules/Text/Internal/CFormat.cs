using System.Globalization;
using System.Text;

namespace Streams.Modules.Text.Internal;

/// <summary>One conversion of a C format: flags, width, precision, letter.</summary>
internal readonly record struct CSpec(string Flags, int Width, int Precision, char Conversion)
{
    /// <summary>Whether <paramref name="flag"/> is among the flags.</summary>
    public bool Has(char flag) => Flags.Contains(flag, StringComparison.Ordinal);
}

/// <summary>C's printf conversions for integers and doubles, as glibc formats them.</summary>
internal static class CFormat
{
    /// <summary>Formats an integer conversion (d i o u x X).</summary>
    public static string Integer(CSpec spec, long value)
    {
        bool signed = spec.Conversion is 'd' or 'i';
        ulong magnitude = signed ? (value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value) : unchecked((ulong)value);
        string digits = spec.Conversion switch
        {
            'o' => Convert.ToString(unchecked((long)magnitude), 8),
            'x' => magnitude.ToString("x", CultureInfo.InvariantCulture),
            'X' => magnitude.ToString("X", CultureInfo.InvariantCulture),
            _ => magnitude.ToString(CultureInfo.InvariantCulture),
        };
        if (spec.Precision == 0 && magnitude == 0)
        {
            digits = "";
        }

        if (spec.Precision > digits.Length)
        {
            digits = new string('0', spec.Precision - digits.Length) + digits;
        }

        string prefix = "";
        if (signed)
        {
            prefix = value < 0 ? "-" : spec.Has('+') ? "+" : spec.Has(' ') ? " " : "";
        }
        else if (spec.Has('#'))
        {
            if (spec.Conversion == 'o' && !digits.StartsWith('0'))
            {
                digits = "0" + digits;
            }
            else if (spec.Conversion is 'x' or 'X' && magnitude != 0)
            {
                prefix = spec.Conversion == 'x' ? "0x" : "0X";
            }
        }

        return Pad(spec, prefix, digits, zeroAllowed: spec.Precision < 0);
    }

    /// <summary>Formats a floating conversion (f F e E g G).</summary>
    public static string Float(CSpec spec, double value)
    {
        bool upper = char.IsUpper(spec.Conversion);
        bool negative = double.IsNegative(value);
        string prefix = negative ? "-" : spec.Has('+') ? "+" : spec.Has(' ') ? " " : "";
        double magnitude = Math.Abs(value);
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            string word = double.IsNaN(value) ? "nan" : "inf";
            return Pad(spec, prefix, upper ? word.ToUpperInvariant() : word, zeroAllowed: false);
        }

        int precision = spec.Precision < 0 ? 6 : spec.Precision;
        string body;
        switch (char.ToLowerInvariant(spec.Conversion))
        {
            case 'f':
                body = Fixed(magnitude, precision, spec.Has('#'));
                break;
            case 'e':
                body = Exponent(magnitude, precision, spec.Has('#'), upper);
                break;
            default:
                int p = precision == 0 ? 1 : precision;
                int exponent = magnitude == 0 ? 0 : ExponentOf(magnitude, p);
                if (p > exponent && exponent >= -4)
                {
                    body = Fixed(magnitude, p - 1 - exponent, spec.Has('#'));
                }
                else
                {
                    body = Exponent(magnitude, p - 1, spec.Has('#'), upper);
                }

                if (!spec.Has('#'))
                {
                    body = TrimZeros(body);
                }

                break;
        }

        return Pad(spec, prefix, body, zeroAllowed: true);
    }

    private static string Fixed(double magnitude, int precision, bool alternate)
    {
        string s = magnitude.ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return alternate && precision == 0 ? s + "." : s;
    }

    private static string Exponent(double magnitude, int precision, bool alternate, bool upper)
    {
        string s = magnitude.ToString((upper ? "E" : "e") + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int e = s.IndexOfAny(['e', 'E']);
        string mantissa = s[..e];
        int exponent = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (alternate && precision == 0)
        {
            mantissa += ".";
        }

        string digits = Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        return $"{mantissa}{(upper ? 'E' : 'e')}{(exponent < 0 ? '-' : '+')}{digits}";
    }

    /// <summary>The decimal exponent the value has once rounded to <paramref name="digits"/> significant digits.</summary>
    private static int ExponentOf(double magnitude, int digits)
    {
        string s = magnitude.ToString("E" + (digits - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return int.Parse(s.AsSpan(s.IndexOf('E', StringComparison.Ordinal) + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }

    private static string TrimZeros(string body)
    {
        int e = body.IndexOfAny(['e', 'E']);
        string mantissa = e < 0 ? body : body[..e];
        string rest = e < 0 ? "" : body[e..];
        if (mantissa.Contains('.', StringComparison.Ordinal))
        {
            mantissa = mantissa.TrimEnd('0').TrimEnd('.');
        }

        return mantissa + rest;
    }

    private static string Pad(CSpec spec, string prefix, string body, bool zeroAllowed)
    {
        int length = prefix.Length + body.Length;
        if (spec.Width <= length)
        {
            return prefix + body;
        }

        int fill = spec.Width - length;
        if (spec.Has('-'))
        {
            return prefix + body + new string(' ', fill);
        }

        if (spec.Has('0') && zeroAllowed)
        {
            return prefix + new string('0', fill) + body;
        }

        return new string(' ', fill) + prefix + body;
    }

    /// <summary>Appends <paramref name="bytes"/> padded to the spec's width, cut to its precision (for %s, %c, %b).</summary>
    public static void Text(List<byte> output, CSpec spec, ReadOnlySpan<byte> bytes, bool usePrecision = true)
    {
        if (usePrecision && spec.Precision >= 0 && bytes.Length > spec.Precision)
        {
            bytes = bytes[..spec.Precision];
        }

        int fill = Math.Max(0, spec.Width - bytes.Length);
        if (!spec.Has('-'))
        {
            output.AddRange(Enumerable.Repeat((byte)' ', fill));
        }

        foreach (byte b in bytes)
        {
            output.Add(b);
        }

        if (spec.Has('-'))
        {
            output.AddRange(Enumerable.Repeat((byte)' ', fill));
        }
    }

    /// <summary>Appends an ASCII string.</summary>
    public static void Ascii(List<byte> output, string text) => output.AddRange(Encoding.Latin1.GetBytes(text));
}
