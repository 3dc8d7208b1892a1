using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [--complement] [--output-delimiter=STR]
/// [-z] [FILE]...</c>: prints selected parts of lines.</summary>
internal sealed class CutCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: cut OPTION... [FILE]...
        Print selected parts of lines from each FILE to standard output.

        With no FILE, or when FILE is -, read standard input.

          -b, --bytes=LIST        select only these bytes
          -c, --characters=LIST   select only these characters
          -d, --delimiter=DELIM   use DELIM instead of TAB for field delimiter
          -f, --fields=LIST       select only these fields;  also print any line
                                    that contains no delimiter character, unless
                                    the -s option is specified
              --complement        complement the set of selected bytes, characters
                                    or fields
          -s, --only-delimited    do not print lines not containing delimiters
              --output-delimiter=STRING  use STRING as the output delimiter
                                    the default is to use the input delimiter
          -z, --zero-terminated   line delimiter is NUL, not newline
              --help        display this help and exit

        Each LIST is made up of one range, or many ranges separated by commas.
        Each range is one of: N, N-, N-M, -M (counted from 1).
        """;

    private const char ComplementKey = '\u0002';
    private const char OutputDelimiterKey = '\u0003';

    private static readonly LongOption[] Longs =
    [
        new("bytes", true, 'b'), new("characters", true, 'c'), new("delimiter", true, 'd'), new("fields", true, 'f'),
        new("complement", false, ComplementKey), new("only-delimited", false, 's'), new("output-delimiter", true, OutputDelimiterKey),
        new("zero-terminated", false, 'z'),
    ];

    private FieldList _list = null!;
    private bool _fields;
    private byte _delimiter = (byte)'\t';
    private byte[]? _outputDelimiter;
    private bool _onlyDelimited;
    private byte _lineEnd = (byte)'\n';

    /// <inheritdoc />
    public override string Name => "cut";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "b:c:d:f:nsz", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        string? list = null;
        char mode = '\0';
        bool delimiterGiven = false;
        foreach ((char key, string? value) in args.Options)
        {
            switch (key)
            {
                case 'b' or 'c' or 'f':
                    if (mode != '\0')
                    {
                        return await CommandIO.UsageAsync(context, Name, "only one list may be specified").ConfigureAwait(false);
                    }

                    mode = key;
                    list = value;
                    break;
                case 'd':
                    byte[] d = CommandIO.ArgumentBytes(value!);
                    if (d.Length > 1)
                    {
                        return await CommandIO.UsageAsync(context, Name, "the delimiter must be a single character").ConfigureAwait(false);
                    }

                    _delimiter = d.Length == 0 ? (byte)0 : d[0];
                    delimiterGiven = true;
                    break;
                case 's': _onlyDelimited = true; break;
                case 'z': _lineEnd = 0; break;
                case OutputDelimiterKey:
                        // GNU takes an empty string as its terminating NUL: one zero byte.
                        _outputDelimiter = value!.Length == 0 ? [0] : CommandIO.ArgumentBytes(value);
                        break;
            }
        }

        if (mode == '\0')
        {
            return await CommandIO.UsageAsync(context, Name, "you must specify a list of bytes, characters, or fields").ConfigureAwait(false);
        }

        _fields = mode == 'f';
        if (!_fields && delimiterGiven)
        {
            return await CommandIO.UsageAsync(context, Name, "an input delimiter may be specified only when operating on fields").ConfigureAwait(false);
        }

        if (!_fields && _onlyDelimited)
        {
            return await CommandIO.UsageAsync(context, Name, "suppressing non-delimited lines makes sense\n\tonly when operating on fields").ConfigureAwait(false);
        }

        string? error = FieldList.TryParse(list!, _fields, args.Has(ComplementKey), out _list);
        if (error != null)
        {
            return await CommandIO.UsageAsync(context, Name, error).ConfigureAwait(false);
        }

        int status = 0;
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
                var lines = new LineReader(reader, _lineEnd, flushWhenIdle: context.Output);
                while (await lines.MoveNextAsync(context.CancellationToken).ConfigureAwait(false))
                {
                    if (_fields)
                    {
                        CutFields(context.Output, lines.Current);
                    }
                    else
                    {
                        CutBytes(context.Output, lines.Current);
                    }

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

    private void CutBytes(PipeWriter output, ReadOnlySpan<byte> line)
    {
        // Copy whole ranges, not byte by byte; GNU puts the output delimiter between ranges.
        bool printed = false;
        foreach ((int lo, int hi) in _list.Ranges)
        {
            if (lo > line.Length)
            {
                break;
            }

            if (printed && _outputDelimiter != null)
            {
                output.Write(_outputDelimiter);
            }

            output.Write(line[(lo - 1)..Math.Min(hi, line.Length)]);
            printed = true;
        }

        output.Write([_lineEnd]);
    }

    private void CutFields(PipeWriter output, ReadOnlySpan<byte> line)
    {
        int first = line.IndexOf(_delimiter);
        if (first < 0)
        {
            if (!_onlyDelimited)
            {
                CommandIO.WriteLine(output, line, _lineEnd);
            }

            return;
        }

        bool printed = false;
        int start = 0;
        for (int field = 1; start <= line.Length; field++)
        {
            int length = line[start..].IndexOf(_delimiter);
            int end = length < 0 ? line.Length : start + length;
            if (_list.Selected(field))
            {
                if (printed)
                {
                    if (_outputDelimiter != null)
                    {
                        output.Write(_outputDelimiter);
                    }
                    else
                    {
                        output.Write([_delimiter]);
                    }
                }

                output.Write(line[start..end]);
                printed = true;
            }
            else if (_list.BeyondLast(field))
            {
                break;
            }

            if (length < 0)
            {
                break;
            }

            start = end + 1;
        }

        output.Write([_lineEnd]);
    }
}
