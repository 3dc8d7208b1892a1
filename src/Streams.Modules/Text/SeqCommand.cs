using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>seq [-w] [-s SEP] [-f FORMAT] [FIRST [INCREMENT]] LAST</c>: prints a sequence of numbers,
/// computed in decimal so that steps such as 0.1 land where GNU's rounding puts them.</summary>
internal sealed class SeqCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: seq [OPTION]... LAST
          or:  seq [OPTION]... FIRST LAST
          or:  seq [OPTION]... FIRST INCREMENT LAST
        Print numbers from FIRST to LAST, in steps of INCREMENT.

          -f, --format=FORMAT      use printf style floating-point FORMAT
          -s, --separator=STRING   use STRING to separate numbers (default: \n)
          -w, --equal-width        equalize width by padding with leading zeroes
              --help        display this help and exit

        If FIRST or INCREMENT is omitted, it defaults to 1.  FORMAT must be suitable
        for printing one argument of type 'double'.
        """;

    private static readonly LongOption[] Longs = [new("format", true, 'f'), new("separator", true, 's'), new("equal-width", false, 'w')];

    /// <inheritdoc />
    public override string Name => "seq";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "+f:s:w", Longs, a => a.Length > 1 && (char.IsAsciiDigit(a[1]) || a[1] == '.'));
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        List<string> ops = args.Operands;
        if (ops.Count == 0)
        {
            return await CommandIO.UsageAsync(context, Name, "missing operand").ConfigureAwait(false);
        }

        if (ops.Count > 3)
        {
            return await CommandIO.UsageAsync(context, Name, $"extra operand '{ops[3]}'").ConfigureAwait(false);
        }

        var numbers = new Operand[ops.Count];
        for (int i = 0; i < ops.Count; i++)
        {
            if (!Operand.TryParse(ops[i], out numbers[i]))
            {
                return await CommandIO.UsageAsync(context, Name, $"invalid floating point argument: '{ops[i]}'").ConfigureAwait(false);
            }

            if (double.IsNaN(numbers[i].Double))
            {
                return await CommandIO.UsageAsync(context, Name, $"invalid 'not-a-number' argument: '{ops[i]}'").ConfigureAwait(false);
            }
        }

        Operand first = ops.Count > 1 ? numbers[0] : Operand.One;
        Operand step = ops.Count > 2 ? numbers[1] : Operand.One;
        Operand last = numbers[^1];
        if (step.Double == 0)
        {
            return await CommandIO.UsageAsync(context, Name, $"invalid Zero increment value: '{ops[1]}'").ConfigureAwait(false);
        }

        string? format = args.Last('f');
        string separator = args.Last('s') ?? "\n";
        bool equalWidth = args.Has('w');
        if (format != null && equalWidth)
        {
            return await CommandIO.UsageAsync(context, Name, "format string may not be specified when printing equal width strings").ConfigureAwait(false);
        }

        byte[] separatorBytes = Encoding.UTF8.GetBytes(separator);
        if (format == null && !equalWidth && separatorBytes.Length == 1
            && FastRange(ops, first, step, last) is { } range)
        {
            await CountAsync(context, range.From, range.To, range.By, separatorBytes).ConfigureAwait(false);
            return 0;
        }

        Func<decimal, string> render;
        Func<double, string> renderDouble;
        int precision = Math.Max(first.Precision, step.Precision);
        if (format != null)
        {
            string? error = ParseFormat(format, out string prefix, out CSpec spec, out string suffix);
            if (error != null)
            {
                return await CommandIO.FailAsync(context, Name, error).ConfigureAwait(false);
            }

            render = v => prefix + CFormat.Float(spec, (double)v) + suffix;
            renderDouble = v => prefix + CFormat.Float(spec, v) + suffix;
        }
        else if (first.Precision < 0 || step.Precision < 0 || last.Precision < 0)
        {
            // A hexadecimal operand with a point or an exponent: GNU falls back to %Lg.
            var general = new CSpec("", 0, -1, 'g');
            render = v => CFormat.Float(general, (double)v);
            renderDouble = v => CFormat.Float(general, v);
        }
        else
        {
            int width = 0;
            if (equalWidth)
            {
                int firstWidth = first.Width + (precision - first.Precision) + (first.Precision == 0 && precision > 0 ? 1 : 0);
                int lastWidth = last.Width + (precision - last.Precision);
                if (last.Precision > 0 && precision == 0)
                {
                    lastWidth--;
                }

                if (last.Precision == 0 && precision > 0)
                {
                    lastWidth++;
                }

                width = Math.Max(firstWidth, lastWidth);
            }

            var spec = new CSpec(equalWidth ? "0" : "", width, precision, 'f');
            render = precision == 0 && !equalWidth
                ? v => v.ToString(CultureInfo.InvariantCulture)
                : v => Pad(decimal.Round(v, Math.Min(precision, 28), MidpointRounding.ToEven).ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), spec);
            renderDouble = v => CFormat.Float(spec, v);
        }

        bool any = first.Exact is decimal a && step.Exact is decimal b && last.Exact is decimal c
            ? await SequenceAsync(context, a, b, c, double.IsNegative(first.Double) && a == 0 ? renderDouble : null, render, separatorBytes).ConfigureAwait(false)
            : await SequenceAsync(context, first.Double, step.Double, last.Double, renderDouble, separatorBytes).ConfigureAwait(false);
        if (any)
        {
            context.Output.Write("\n"u8);
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Operands GNU hands to its integer-only <c>seq_fast</c>: FIRST and LAST non-negative integers (LAST
    /// may be <c>inf</c>), INCREMENT an integer from 1 to 200. When every operand is digits only, they keep every digit; others (1e30,
    /// 0x10) are first rounded to a long double, as GNU prints them with <c>%.0Lf</c>.</summary>
    private static (BigInteger From, BigInteger? To, int By)? FastRange(List<string> ops, Operand first, Operand step, Operand last)
    {
        if (first.Integer is not BigInteger from || from.Sign < 0 || double.IsNegative(first.Double) || step.Integer is not BigInteger by || by.Sign <= 0 || by > 200
            || last.Double < 0 || (last.Integer == null && !double.IsPositiveInfinity(last.Double)))
        {
            return null;
        }

        bool digits = ops.TrueForAll(AllDigits);
        BigInteger? to = last.Integer is BigInteger l ? (digits ? l : LongDouble(l)) : null;
        return (digits ? from : LongDouble(from), to, (int)by);
    }

    private static bool AllDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    /// <summary>The integer rounded to the 64 significant bits of an x87 long double (to nearest, ties to even).</summary>
    internal static BigInteger LongDouble(BigInteger value)
    {
        long bits = (long)BigInteger.Abs(value).GetBitLength();
        if (bits <= 64)
        {
            return value;
        }

        int shift = (int)(bits - 64);
        BigInteger magnitude = BigInteger.Abs(value);
        BigInteger kept = magnitude >> shift;
        BigInteger rest = magnitude - (kept << shift);
        BigInteger half = BigInteger.One << (shift - 1);
        if (rest > half || (rest == half && !kept.IsEven))
        {
            kept++;
        }

        return (kept << shift) * value.Sign;
    }

    private static async ValueTask CountAsync(StageContext context, BigInteger from, BigInteger? to, int by, byte[] separator)
    {
        if (to is BigInteger end && from > end)
        {
            return;
        }

        for (BigInteger x = from; to is not BigInteger stop || x <= stop; x += by)
        {
            if (x != from)
            {
                context.Output.Write(separator);
            }

            context.Output.WriteUtf8(x.ToString(CultureInfo.InvariantCulture));
            await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
        }

        context.Output.Write("\n"u8);
        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>GNU's loop in decimal: FIRST, then FIRST + i × INCREMENT until past LAST. FIRST is printed as
    /// given, so <c>-0</c> stays <c>-0</c> (through <paramref name="negativeZero"/>, which renders -0.0); a sum that
    /// is zero is +0, as in IEEE arithmetic (<c>seq -f %g -1 1 1</c> prints 0, not -0).</summary>
    private static async ValueTask<bool> SequenceAsync(StageContext context, decimal first, decimal step, decimal last, Func<double, string>? negativeZero, Func<decimal, string> render, byte[] separator)
    {
        bool any = false;
        for (long i = 0; ; i++)
        {
            decimal x;
            try
            {
                x = i == 0 ? first : first + (i * step);
            }
            catch (OverflowException)
            {
                break;
            }

            if (x == 0)
            {
                x = 0m;
            }

            if (step > 0 ? x > last : x < last)
            {
                break;
            }

            if (any)
            {
                context.Output.Write(separator);
            }

            any = true;
            context.Output.WriteUtf8(i == 0 && negativeZero != null ? negativeZero(-0.0) : render(x));
            await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
        }

        return any;
    }

    /// <summary>GNU's floating loop (in double here, long double there): FIRST, then FIRST + i × INCREMENT until
    /// past LAST; an infinite FIRST or LAST can make it endless, as in GNU.</summary>
    private static async ValueTask<bool> SequenceAsync(StageContext context, double first, double step, double last, Func<double, string> render, byte[] separator)
    {
        bool any = false;
        double x = first;
        for (double i = 1; step > 0 ? x <= last : x >= last; i++)
        {
            if (any)
            {
                context.Output.Write(separator);
            }

            any = true;
            context.Output.WriteUtf8(render(x));
            await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
            x = first + (i * step);
        }

        return any;
    }

    private static string Pad(string text, CSpec spec)
    {
        if (text.Length >= spec.Width)
        {
            return text;
        }

        return text.StartsWith('-') ? "-" + new string('0', spec.Width - text.Length) + text[1..] : new string('0', spec.Width - text.Length) + text;
    }

    private static string? ParseFormat(string format, out string prefix, out CSpec spec, out string suffix)
    {
        prefix = suffix = "";
        spec = default;
        var literal = new StringBuilder();
        int i = 0;
        bool found = false;
        while (i < format.Length)
        {
            if (format[i] != '%')
            {
                literal.Append(format[i++]);
                continue;
            }

            if (i + 1 < format.Length && format[i + 1] == '%')
            {
                literal.Append('%');
                i += 2;
                continue;
            }

            if (found)
            {
                return $"format '{format}' has too many % directives";
            }

            int j = i + 1;
            int flagsStart = j;
            while (j < format.Length && "-+ #0'".Contains(format[j], StringComparison.Ordinal))
            {
                j++;
            }

            string flags = format[flagsStart..j];
            int width = 0;
            while (j < format.Length && char.IsAsciiDigit(format[j]))
            {
                width = width * 10 + (format[j++] - '0');
            }

            int precision = -1;
            if (j < format.Length && format[j] == '.')
            {
                j++;
                precision = 0;
                while (j < format.Length && char.IsAsciiDigit(format[j]))
                {
                    precision = precision * 10 + (format[j++] - '0');
                }
            }

            if (j < format.Length && format[j] == 'L')
            {
                j++;
            }

            if (j >= format.Length || "aAeEfFgG".IndexOf(format[j], StringComparison.Ordinal) < 0)
            {
                return j >= format.Length ? $"format '{format}' ends in %" : $"format '{format}' has unknown %{format[j]} directive";
            }

            spec = new CSpec(flags, width, precision, format[j]);
            prefix = literal.ToString();
            literal.Clear();
            found = true;
            i = j + 1;
        }

        if (!found)
        {
            return $"format '{format}' has no % directive";
        }

        suffix = literal.ToString();
        return null;
    }

    /// <summary>A seq operand: its value and, as GNU seq's scan_arg counts them from the text, its width and
    /// its digits after the point (an exponent moves both: <c>1e-1</c> has one digit, <c>1.5e1</c> none).</summary>
    /// <remarks><see cref="Exact"/> is null beyond decimal's range or for hexadecimal text, <see cref="Integer"/>
    /// null unless the value is a finite integer; a hexadecimal operand has width 0, and precision -1 (unknown,
    /// GNU prints with %Lg) when it has a point or a <c>p</c> exponent; <c>inf</c> has width and precision 0.</remarks>
    private readonly record struct Operand(double Double, decimal? Exact, BigInteger? Integer, int Width, int Precision)
    {
        public static Operand One => new(1, 1, 1, 1, 0);

        public static bool TryParse(string text, out Operand operand)
        {
            operand = default;
            string s = text.Trim();
            if (s.Length == 0 || PrintfCommand.StrtodPrefix(s, out double number) != s.Length)
            {
                return false;
            }

            if (!double.IsFinite(number))
            {
                operand = new Operand(number, null, null, 0, 0);
                return true;
            }

            string unsigned = s.TrimStart('+', '-');
            if (unsigned.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                bool integral = unsigned.AsSpan(2).IndexOfAny(".pP") < 0;
                BigInteger? integer = integral ? BigInteger.Parse("0" + unsigned[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) * (s[0] == '-' ? -1 : 1) : null;
                operand = new Operand(number, null, integer, 0, integral ? 0 : -1);
                return true;
            }

            decimal? exact = decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) ? value : null;
            // GNU does not count a leading '+' in the width (it is not printed).
            long width = s.Length - (s[0] == '+' ? 1 : 0), precision = 0;
            int dot = s.IndexOf('.', StringComparison.Ordinal);
            int e = s.IndexOfAny(['e', 'E']);
            if (dot >= 0)
            {
                int fraction = (e >= 0 ? e : s.Length) - dot - 1;
                precision = fraction;
                width += fraction == 0 ? -1 : (dot == 0 || !char.IsAsciiDigit(s[dot - 1]) ? 1 : 0);
            }

            long exponent = 0;
            if (e >= 0)
            {
                exponent = Math.Clamp(long.TryParse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long x) ? x : 0, -100_000, 100_000);
                precision += exponent < 0 ? -exponent : -Math.Min(precision, exponent);
                width -= s.Length - e;
                long shown = exponent;
                if (exponent < 0)
                {
                    if (dot < 0 || e == dot + 1)
                    {
                        width++;
                    }

                    shown = -exponent;
                }
                else if (dot >= 0 && precision == 0 && width != 0)
                {
                    width--;
                }

                width += shown;
            }

            operand = new Operand(number, exact, precision == 0 ? IntegerOf(s, dot, e, exponent) : null, (int)Math.Clamp(width, 0, 100_000), (int)Math.Clamp(precision, 0, 100_000));
            return true;
        }

        /// <summary>The exact integer a decimal text with no digits left after its point stands for (null when
        /// its exponent makes it too large to be worth it: GNU's long double ends near 1e4932).</summary>
        private static BigInteger? IntegerOf(string s, int dot, int e, long exponent)
        {
            string mantissa = e >= 0 ? s[..e] : s;
            int fraction = dot >= 0 ? mantissa.Length - dot - 1 : 0;
            long scale = exponent - fraction;
            if (scale > 5000)
            {
                return null;
            }

            BigInteger digits = BigInteger.Parse(mantissa.Replace(".", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return scale >= 0 ? digits * BigInteger.Pow(10, (int)scale) : digits / BigInteger.Pow(10, (int)-scale);
        }
    }
}
