using System.Buffers;
using System.Globalization;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>printf FORMAT [ARGUMENT]...</c>: GNU coreutils printf; the format is reused while arguments
/// remain.</summary>
internal sealed class PrintfCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: printf FORMAT [ARGUMENT]...
        Print ARGUMENT(s) according to FORMAT, reusing FORMAT while arguments remain.

          \"      double quote          \\      backslash
          \a \b \c \e \f \n \r \t \v   as in C; \c produces no further output
          \NNN    byte with octal value NNN (1 to 3 digits)
          \xHH    byte with hexadecimal value HH (1 to 2 digits)
          \uHHHH, \UHHHHHHHH  Unicode character (UTF-8)
          %%      a single %
          %b      ARGUMENT as a string with '\' escapes interpreted (\0NNN octal)
          %q      ARGUMENT is printed in a format that can be reused as shell input,
                    escaping non-printable characters with the proposed POSIX $'' syntax.

        and all C format specifications ending with one of diouxXfeEgGcs, with flags
        -+ #0, widths and precisions (* takes them from an ARGUMENT). Numeric
        ARGUMENTs may be decimal, 0x hex, 0 octal or 'C (the code of character C).
        """;

    private readonly List<byte> _output = [];
    private int _status;
    private bool _stop;

    /// <inheritdoc />
    public override string Name => "printf";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        List<string> args = [.. context.Arguments];
        if (args.Count == 1 && args[0] == "--help")
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        if (args.Count > 0 && args[0] == "--")
        {
            args.RemoveAt(0);
        }

        if (args.Count == 0)
        {
            return await CommandIO.UsageAsync(context, Name, "missing operand").ConfigureAwait(false);
        }

        byte[] format = Encoding.UTF8.GetBytes(args[0]);
        List<byte[]> values = args.Skip(1).Select(Encoding.UTF8.GetBytes).ToList();
        var errors = new List<string>();
        int next = 0;
        do
        {
            int before = next;
            bool ok = Run(format, values, ref next, errors);
            if (!ok || _stop)
            {
                break;
            }

            if (next == before)
            {
                if (next < values.Count)
                {
                    errors.Add($"printf: warning: ignoring excess arguments, starting with '{StageIO.Latin1.GetString(values[next])}'");
                }

                break;
            }
        }
        while (next < values.Count);

        context.Output.Write(_output.ToArray());
        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (string error in errors)
        {
            await context.WriteErrorLineAsync(error).ConfigureAwait(false);
        }

        return _status;
    }

    /// <summary>One pass over the format; false on an invalid conversion (printf stops with status 1).</summary>
    private bool Run(byte[] format, List<byte[]> values, ref int next, List<string> errors)
    {
        for (int i = 0; i < format.Length && !_stop;)
        {
            byte c = format[i];
            if (c == '\\' && i + 1 < format.Length)
            {
                i++;
                if (Escapes.PrintfError(format, i) is { } bad)
                {
                    errors.Add("printf: " + bad);
                    _status = 1;
                    return false;
                }

                if (!Escapes.Append(_output, format, ref i, octalZero: false, echo: false))
                {
                    // \c: GNU exits at once with status 0, even after an argument was rejected.
                    _stop = true;
                    _status = 0;
                }

                continue;
            }

            if (c != '%')
            {
                _output.Add(c);
                i++;
                continue;
            }

            int start = i++;
            if (i < format.Length && format[i] == '%')
            {
                _output.Add((byte)'%');
                i++;
                continue;
            }

            var flags = new StringBuilder();
            while (i < format.Length && format[i] is (byte)'-' or (byte)'+' or (byte)' ' or (byte)'#' or (byte)'0' or (byte)'\'')
            {
                flags.Append((char)format[i++]);
            }

            int width = 0;
            if (i < format.Length && format[i] == '*')
            {
                i++;
                string widthText = next < values.Count ? StageIO.Latin1.GetString(values[next]) : "";
                long w = IntegerArgument(values, ref next, errors);
                if (w is < int.MinValue or > int.MaxValue)
                {
                    errors.Add($"printf: invalid field width: '{widthText}'");
                    _status = 1;
                    return false;
                }

                width = (int)Math.Max(w, int.MinValue + 1);
                if (width < 0)
                {
                    flags.Append('-');
                    width = -width;
                }
            }
            else
            {
                while (i < format.Length && char.IsAsciiDigit((char)format[i]))
                {
                    width = (int)Math.Min(width * 10L + (format[i++] - '0'), int.MaxValue);
                }
            }

            int precision = -1;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = 0;
                if (i < format.Length && format[i] == '*')
                {
                    i++;
                    string precisionText = next < values.Count ? StageIO.Latin1.GetString(values[next]) : "";
                    long p = IntegerArgument(values, ref next, errors);
                    // A negative precision is as if there were none, however large (as GNU).
                    if (p > int.MaxValue)
                    {
                        errors.Add($"printf: invalid precision: '{precisionText}'");
                        _status = 1;
                        return false;
                    }

                    precision = p < 0 ? -1 : (int)Math.Min(p, int.MaxValue);
                }
                else
                {
                    while (i < format.Length && char.IsAsciiDigit((char)format[i]))
                    {
                        precision = (int)Math.Min(precision * 10L + (format[i++] - '0'), int.MaxValue);
                    }
                }
            }

            while (i < format.Length && format[i] is (byte)'l' or (byte)'h' or (byte)'j' or (byte)'z' or (byte)'t' or (byte)'L')
            {
                i++;
            }

            char conversion = i < format.Length ? (char)format[i] : '\0';
            if (conversion == 'q' && i == start + 1)
            {
                // %q: the argument quoted for the shell, as GNU's (which takes no flag, width, precision or length).
                _output.AddRange(next < values.Count ? ShellQuote.Quote(values[next++]) : []);
                i++;
                continue;
            }

            var spec = new CSpec(flags.ToString(), width, precision, conversion);
            switch (conversion)
            {
                case 'd' or 'i' or 'o' or 'u' or 'x' or 'X':
                    CFormat.Ascii(_output, CFormat.Integer(spec, IntegerArgument(values, ref next, errors, unsigned: conversion is not ('d' or 'i'))));
                    break;
                case 'f' or 'F' or 'e' or 'E' or 'g' or 'G':
                    CFormat.Ascii(_output, CFormat.Float(spec, FloatArgument(values, ref next, errors)));
                    break;
                case 'c':
                    byte[] ch = next < values.Count ? values[next++] : [];
                    CFormat.Text(_output, spec, ch.Length == 0 ? [0] : ch.AsSpan(0, 1), usePrecision: false);
                    break;
                case 's':
                    CFormat.Text(_output, spec, next < values.Count ? values[next++] : []);
                    break;
                case 'b':
                    byte[] raw = next < values.Count ? values[next++] : [];
                    var expanded = new List<byte>();
                    for (int k = 0; k < raw.Length;)
                    {
                        if (raw[k] == '\\' && k + 1 < raw.Length)
                        {
                            k++;
                            if (Escapes.PrintfError(raw, k) is { } bad)
                            {
                                _output.AddRange(expanded);
                                errors.Add("printf: " + bad);
                                _status = 1;
                                return false;
                            }

                            if (!Escapes.Append(expanded, raw, ref k, octalZero: true, echo: false))
                            {
                                _stop = true;
                                _status = 0;
                                break;
                            }
                        }
                        else
                        {
                            expanded.Add(raw[k++]);
                        }
                    }

                    CFormat.Text(_output, spec, expanded.ToArray());
                    break;
                default:
                    string shown = StageIO.Latin1.GetString(format, start, Math.Min(format.Length, i + 1) - start);
                    errors.Add(conversion == '\0' ? $"printf: {shown}: missing conversion specifier" : $"printf: {shown}: invalid conversion specification");
                    _status = 1;
                    return false;
            }

            i++;
        }

        return true;
    }

    /// <summary>An integer argument as strtoimax reads it, or (for o u x X) as strtoumax does: a negative value
    /// wraps modulo 2^64 and a magnitude beyond 2^64-1 saturates to it (returned as the same 64 bits).</summary>
    private long IntegerArgument(List<byte[]> values, ref int next, List<string> errors, bool unsigned = false)
    {
        if (next >= values.Count)
        {
            return 0;
        }

        byte[] raw = values[next++];
        string text = StageIO.Latin1.GetString(raw);
        if (raw.Length == 0)
        {
            // strtoimax/strtold stop at the terminating NUL: GNU takes an empty argument as 0, with no error.
            return 0;
        }

        if (raw.Length > 1 && raw[0] is (byte)'\'' or (byte)'"')
        {
            return raw[1];
        }

        string s = text.TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
        int i = 0;
        bool negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }

        int radix = 10;
        if (i + 1 < s.Length && s[i] == '0' && s[i + 1] is 'x' or 'X' && i + 2 < s.Length && char.IsAsciiHexDigit(s[i + 2]))
        {
            radix = 16;
            i += 2;
        }
        else if (i < s.Length && s[i] == '0')
        {
            radix = 8;
        }

        int digitsStart = i;
        System.Numerics.BigInteger value = 0;
        while (i < s.Length && Digit(s[i], radix) is int d and >= 0)
        {
            value = value * radix + d;
            i++;
        }

        if (i == digitsStart)
        {
            errors.Add($"printf: '{text}': expected a numeric value");
            _status = 1;
            return 0;
        }

        if (i < s.Length)
        {
            errors.Add($"printf: '{text}': value not completely converted");
            _status = 1;
        }

        if (unsigned)
        {
            if (value > ulong.MaxValue)
            {
                errors.Add($"printf: '{text}': Numerical result out of range");
                _status = 1;
                return -1;
            }

            ulong magnitude = (ulong)value;
            return unchecked(negative ? (long)(0 - magnitude) : (long)magnitude);
        }

        if (negative)
        {
            value = -value;
        }

        if (value > long.MaxValue || value < long.MinValue)
        {
            errors.Add($"printf: '{text}': Numerical result out of range");
            _status = 1;
            return value > 0 ? long.MaxValue : long.MinValue;
        }

        return (long)value;
    }

    private static int Digit(char c, int radix)
    {
        int d = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : 99;
        return d < radix ? d : -1;
    }

    private double FloatArgument(List<byte[]> values, ref int next, List<string> errors)
    {
        if (next >= values.Count)
        {
            return 0;
        }

        byte[] raw = values[next++];
        string text = StageIO.Latin1.GetString(raw);
        if (raw.Length == 0)
        {
            // strtoimax/strtold stop at the terminating NUL: GNU takes an empty argument as 0, with no error.
            return 0;
        }

        if (raw.Length > 1 && raw[0] is (byte)'\'' or (byte)'"')
        {
            return raw[1];
        }

        string s = text.TrimStart(' ', '\t', '\n', '\v', '\f', '\r');
        int end = StrtodPrefix(s, out double value);
        if (end == 0)
        {
            errors.Add($"printf: '{text}': expected a numeric value");
            _status = 1;
            return 0;
        }

        if (end < s.Length)
        {
            errors.Add($"printf: '{text}': value not completely converted");
            _status = 1;
        }

        return value;
    }

    /// <summary>The longest prefix of <paramref name="s"/> that C's strtold reads (decimal, 0x hexadecimal with
    /// an optional p exponent, inf, infinity, nan, nan(...)), and its value; 0 when there is none.</summary>
    internal static int StrtodPrefix(string s, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }

        if (Word(s, i, "infinity") || Word(s, i, "inf"))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return i + (Word(s, i, "infinity") ? 8 : 3);
        }

        if (Word(s, i, "nan"))
        {
            // .NET's double.NaN has its sign bit set; glibc prints that as -nan, so build both NaNs by their bits.
            value = BitConverter.Int64BitsToDouble(negative ? unchecked((long)0xFFF8_0000_0000_0000) : 0x7FF8_0000_0000_0000);
            int close = s.IndexOf(')', i + 3);
            if (i + 3 < s.Length && s[i + 3] == '(' && close > 0 && !s.AsSpan(i + 4, close - i - 4).ContainsAnyExcept(WordChars))
            {
                return close + 1;
            }

            return i + 3;
        }

        return i + 1 < s.Length && s[i] == '0' && s[i + 1] is 'x' or 'X' && HexFloat(s, i + 2, negative, ref value) is int hexEnd and > 0
            ? hexEnd
            : DecimalFloat(s, i, ref value);
    }

    private static readonly SearchValues<char> WordChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    private static bool Word(string s, int at, string word)
        => s.Length - at >= word.Length && s.AsSpan(at, word.Length).Equals(word, StringComparison.OrdinalIgnoreCase);

    private static int DecimalFloat(string s, int start, ref double value)
    {
        int i = start;
        int digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            digits++;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            return 0;
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            int e = i + 1 < s.Length && s[i + 1] is '+' or '-' ? i + 2 : i + 1;
            if (e < s.Length && char.IsAsciiDigit(s[e]))
            {
                i = e;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }
            }
        }

        value = double.Parse(s.AsSpan(0, i), NumberStyles.Float, CultureInfo.InvariantCulture);
        return i;
    }

    /// <summary>Reads hex digits, a point and a binary exponent from <paramref name="start"/> (just after 0x);
    /// 0 when no hex digit follows, so that the caller reads the 0 alone.</summary>
    private static int HexFloat(string s, int start, bool negative, ref double value)
    {
        int i = start;
        double mantissa = 0;
        int scale = 0;
        int digits = 0;
        bool point = false;
        for (; i < s.Length; i++)
        {
            if (s[i] == '.' && !point)
            {
                point = true;
                continue;
            }

            int d = Digit(s[i], 16);
            if (d < 0)
            {
                break;
            }

            digits++;
            if (mantissa < 1e300)
            {
                mantissa = mantissa * 16 + d;
                scale -= point ? 4 : 0;
            }
            else
            {
                scale += point ? 0 : 4;
            }
        }

        if (digits == 0)
        {
            return 0;
        }

        if (i < s.Length && s[i] is 'p' or 'P')
        {
            int e = i + 1 < s.Length && s[i + 1] is '+' or '-' ? i + 2 : i + 1;
            if (e < s.Length && char.IsAsciiDigit(s[e]))
            {
                long exponent = 0;
                int j = e;
                while (j < s.Length && char.IsAsciiDigit(s[j]))
                {
                    exponent = Math.Min(exponent * 10 + (s[j++] - '0'), 100_000);
                }

                scale += (int)(s[e - 1] == '-' ? -exponent : exponent);
                i = j;
            }
        }

        value = Math.ScaleB(negative ? -mantissa : mantissa, scale);
        return i;
    }
}
