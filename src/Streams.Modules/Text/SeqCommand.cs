using System.Buffers;
using System.Globalization;
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
        GnuArgs args = GnuArgs.Parse(context.Arguments, "f:s:w", Longs, a => a.Length > 1 && (char.IsAsciiDigit(a[1]) || a[1] == '.'));
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
        }

        Operand first = ops.Count > 1 ? numbers[0] : Operand.One;
        Operand step = ops.Count > 2 ? numbers[1] : Operand.One;
        Operand last = numbers[^1];
        if (step.Value == 0)
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

        Func<decimal, string> render;
        if (format != null)
        {
            string? error = ParseFormat(format, out string prefix, out CSpec spec, out string suffix);
            if (error != null)
            {
                return await CommandIO.FailAsync(context, Name, error).ConfigureAwait(false);
            }

            render = v => prefix + CFormat.Float(spec, (double)v) + suffix;
        }
        else
        {
            int precision = Math.Max(first.Precision, step.Precision);
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
        }

        byte[] separatorBytes = Encoding.UTF8.GetBytes(separator);
        bool any = false;
        for (long i = 0; ; i++)
        {
            decimal x;
            try
            {
                x = first.Value + (i * step.Value);
            }
            catch (OverflowException)
            {
                break;
            }

            if (step.Value > 0 ? x > last.Value : x < last.Value)
            {
                break;
            }

            if (any)
            {
                context.Output.Write(separatorBytes);
            }

            any = true;
            context.Output.WriteUtf8(render(x));
            await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
        }

        if (any)
        {
            context.Output.Write("\n"u8);
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return 0;
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
    private readonly record struct Operand(decimal Value, int Width, int Precision)
    {
        public static Operand One => new(1, 1, 0);

        public static bool TryParse(string text, out Operand operand)
        {
            operand = default;
            string s = text.Trim();
            if (s.Length == 0 || !decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value))
            {
                return false;
            }

            long width = s.Length, precision = 0;
            int dot = s.IndexOf('.', StringComparison.Ordinal);
            int e = s.IndexOfAny(['e', 'E']);
            if (dot >= 0)
            {
                int fraction = (e >= 0 ? e : s.Length) - dot - 1;
                precision = fraction;
                width += fraction == 0 ? -1 : (dot == 0 || !char.IsAsciiDigit(s[dot - 1]) ? 1 : 0);
            }

            if (e >= 0)
            {
                long exponent = Math.Clamp(long.TryParse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long x) ? x : 0, -100_000, 100_000);
                precision += exponent < 0 ? -exponent : -Math.Min(precision, exponent);
                width -= s.Length - e;
                if (exponent < 0)
                {
                    if (dot < 0 || e == dot + 1)
                    {
                        width++;
                    }

                    exponent = -exponent;
                }
                else if (dot >= 0 && precision == 0 && width != 0)
                {
                    width--;
                }

                width += exponent;
            }

            operand = new Operand(value, (int)Math.Clamp(width, 0, 100_000), (int)Math.Clamp(precision, 0, 100_000));
            return true;
        }
    }
}
