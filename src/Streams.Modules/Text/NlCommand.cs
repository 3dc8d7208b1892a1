using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Modules.Text.Regex;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>nl [-b STYLE] [-h STYLE] [-f STYLE] [-w N] [-s SEP] [-n FORMAT] [-v N] [-i N] [-l N] [-d CC] [-p]
/// [FILE]...</c>: numbers lines, with GNU's logical pages (<c>\:\:\:</c>, <c>\:\:</c>, <c>\:</c>, or the
/// delimiter of <c>-d</c>).</summary>
internal sealed class NlCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: nl [OPTION]... [FILE]...
        Write each FILE to standard output, with line numbers added.

        With no FILE, or when FILE is -, read standard input.

          -b, --body-numbering=STYLE      use STYLE for numbering body lines
          -d, --section-delimiter=CC      use CC for logical page delimiters
          -f, --footer-numbering=STYLE    use STYLE for numbering footer lines
          -h, --header-numbering=STYLE    use STYLE for numbering header lines
          -i, --line-increment=NUMBER     line number increment at each line
          -l, --join-blank-lines=NUMBER   group of NUMBER empty lines counted as one
          -n, --number-format=FORMAT      insert line numbers according to FORMAT
          -p, --no-renumber               do not reset line numbers for each section
          -s, --number-separator=STRING   add STRING after (possible) line number
          -v, --starting-line-number=NUMBER  first line number for each section
          -w, --number-width=NUMBER       use NUMBER columns for line numbers
              --help        display this help and exit

        Default options are: -bt -d'\:' -fn -hn -i1 -n'rn' -s<TAB> -v1 -w6

        STYLE is one of:

          a      number all lines
          t      number only nonempty lines
          n      number no lines
          pBRE   number only lines that contain a match for the basic regular
                 expression, BRE

        FORMAT is one of:

          ln     left justified, no leading zeros
          rn     right justified, no leading zeros
          rz     right justified, leading zeros
        """;

    private static readonly LongOption[] Longs =
    [
        new("body-numbering", true, 'b'), new("footer-numbering", true, 'f'), new("header-numbering", true, 'h'),
        new("line-increment", true, 'i'), new("number-format", true, 'n'), new("no-renumber", false, 'p'),
        new("number-separator", true, 's'), new("starting-line-number", true, 'v'), new("number-width", true, 'w'),
        new("section-delimiter", true, 'd'), new("join-blank-lines", true, 'l'),
    ];

    /// <inheritdoc />
    public override string Name => "nl";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "b:d:f:h:i:l:n:ps:v:w:", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        char[] styles = ['n', 't', 'n'];
        var regexes = new PosixRegex?[3];
        string format = "rn";
        long increment = 1, start = 1;
        int width = 6;
        string separator = "\t";
        byte[] delimiter = "\\:"u8.ToArray();
        long join = 1;
        foreach ((char key, string? value) in args.Options)
        {
            string v = value ?? "";
            switch (key)
            {
                case 'b' or 'h' or 'f':
                    if (v is not ("a" or "t" or "n") && !v.StartsWith('p'))
                    {
                        return await CommandIO.UsageAsync(context, Name, $"invalid {(key == 'b' ? "body" : key == 'h' ? "header" : "footer")} numbering style: '{v}'").ConfigureAwait(false);
                    }

                    int which = key == 'h' ? 0 : key == 'b' ? 1 : 2;
                    styles[which] = v[0];
                    if (v[0] == 'p')
                    {
                        try
                        {
                            regexes[which] = PosixRegex.Create([GrepOptions.ToLatin1(v[1..])], PosixSyntax.Basic);
                        }
                        catch (PosixRegexException ex)
                        {
                            return await CommandIO.FailAsync(context, Name, ex.Message).ConfigureAwait(false);
                        }
                    }

                    break;
                case 'n':
                    if (v is not ("ln" or "rn" or "rz"))
                    {
                        return await CommandIO.UsageAsync(context, Name, $"invalid line number format: '{v}'").ConfigureAwait(false);
                    }

                    format = v;
                    break;
                case 'i' or 'v':
                    // GNU takes any intmax_t, a negative increment too (numbers count down).
                    if (!long.TryParse(v, out long n))
                    {
                        return await CommandIO.UsageAsync(context, Name, $"invalid {(key == 'i' ? "line number increment" : "starting line number")}: '{v}'").ConfigureAwait(false);
                    }

                    if (key == 'i')
                    {
                        increment = n;
                    }
                    else
                    {
                        start = n;
                    }

                    break;
                case 'w':
                    if (!int.TryParse(v, out width) || width <= 0)
                    {
                        return await CommandIO.UsageAsync(context, Name, $"invalid line number field width: '{v}'").ConfigureAwait(false);
                    }

                    break;
                case 's': separator = v; break;
                case 'd':
                    // One character: the second stays ':'; empty: no line delimits a section.
                    delimiter = Encoding.UTF8.GetBytes(v.Length == 1 ? v + ":" : v);
                    break;
                case 'l':
                    if (!long.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out join) || join < 1)
                    {
                        bool numeric = long.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _);
                        return await CommandIO.FailAsync(context, Name, $"invalid line number of blank lines: '{v}'{(numeric ? ": Numerical result out of range" : "")}").ConfigureAwait(false);
                    }

                    break;
            }
        }

        byte[] separatorBytes = Encoding.UTF8.GetBytes(separator);
        byte[] blank = Enumerable.Repeat((byte)' ', width + separatorBytes.Length).ToArray();
        bool renumber = !args.Has('p');
        long number = start;
        bool overflow = false;
        int section = 1;
        int status = 0;
        char[] chars = [];
        long blanks = 0; // consecutive empty lines so far, for -l (GNU's never resets between pages)
        foreach (string file in args.Operands.Count == 0 ? ["-"] : args.Operands)
        {
            PipeReader? reader = await CommandIO.OpenAsync(context, Name, file).ConfigureAwait(false);
            if (reader == null)
            {
                status = 1;
                continue;
            }

            try
            {
                var lines = new LineReader(reader, flushWhenIdle: context.Output);
                while (await lines.MoveNextAsync(context.CancellationToken).ConfigureAwait(false))
                {
                    ReadOnlySpan<byte> line = lines.Current;
                    int kind = Section(line, delimiter);
                    if (kind >= 0)
                    {
                        section = kind;
                        if (renumber)
                        {
                            number = start;
                            overflow = false;
                        }

                        context.Output.Write("\n"u8);
                        continue;
                    }

                    char style = styles[section];

                    // -a with -l N: of a run of empty lines, every Nth is numbered.
                    bool joined = style == 'a' && join > 1 && line.Length == 0 && ++blanks < join;
                    if (style == 'a' && join > 1 && !joined)
                    {
                        blanks = 0;
                    }

                    if ((style == 'a' && !joined) || (style == 't' && line.Length > 0) || (style == 'p' && Matches(regexes[section]!, line, ref chars)))
                    {
                        if (overflow)
                        {
                            // As GNU: the number past the range is an error only when it is to be printed.
                            await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
                            return await CommandIO.FailAsync(context, Name, "line number overflow").ConfigureAwait(false);
                        }

                        WriteNumber(context.Output, number, width, format);
                        context.Output.Write(separatorBytes);
                        overflow = long.MaxValue - Math.Max(increment, 0) < number || long.MinValue - Math.Min(increment, 0) > number;
                        number = unchecked(number + increment);
                    }
                    else
                    {
                        context.Output.Write(blank);
                    }

                    CommandIO.WriteLine(context.Output, line);
                    await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
            }
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return status;
    }

    /// <summary>Whether <paramref name="regex"/> matches <paramref name="line"/> read as Latin-1 (one char per
    /// byte), in the reused <paramref name="chars"/>.</summary>
    private static bool Matches(PosixRegex regex, ReadOnlySpan<byte> line, ref char[] chars)
    {
        if (chars.Length < line.Length)
        {
            chars = new char[Math.Max(line.Length, chars.Length * 2)];
        }

        int n = Encoding.Latin1.GetChars(line, chars);
        return regex.IsMatch(chars.AsSpan(0, n));
    }

    // The page part a delimiter line starts (0 header: three delimiters, 1 body: two, 2 footer: one), or -1.
    private static int Section(ReadOnlySpan<byte> line, byte[] delimiter)
    {
        int n = delimiter.Length;
        if (n == 0 || line.Length == 0 || line.Length % n != 0 || line.Length > 3 * n)
        {
            return -1;
        }

        for (int at = 0; at < line.Length; at += n)
        {
            if (!line.Slice(at, n).SequenceEqual(delimiter))
            {
                return -1;
            }
        }

        return 3 - (line.Length / n);
    }

    private static void WriteNumber(PipeWriter output, long number, int width, string format)
    {
        if (format == "rn" || (format == "rz" && number >= 0))
        {
            // The common cases, without a string per line.
            CommandIO.WriteNumber(output, number, width, format == "rz" ? (byte)'0' : (byte)' ');
            return;
        }

        string digits = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string text = format switch
        {
            "ln" => digits.PadRight(width),
            "rz" => number < 0 ? "-" + digits[1..].PadLeft(width - 1, '0') : digits.PadLeft(width, '0'),
            _ => digits.PadLeft(width),
        };
        output.WriteUtf8(text);
    }
}
