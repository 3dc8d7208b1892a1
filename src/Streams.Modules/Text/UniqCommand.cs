using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>uniq [-cdDuiz] [--group[=METHOD]] [-f N] [-s N] [-w N] [INPUT [OUTPUT]]</c>: collapses runs of equal
/// lines.</summary>
/// <remarks>Which lines of a run are written follows GNU's <c>writeline</c>: a line alone in its run is written
/// unless <c>-d</c> or <c>-D</c>; the last line of a longer run unless <c>-u</c>; with <c>-D</c> every earlier line of
/// a run too (so <c>-D -u</c> writes all but the last, as GNU's does). <c>--all-repeated=prepend|separate</c> and
/// <c>--group</c> put an empty line (a NUL with <c>-z</c>) between runs.</remarks>
internal sealed class UniqCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: uniq [OPTION]... [INPUT [OUTPUT]]
        Filter adjacent matching lines from INPUT (or standard input),
        writing to OUTPUT (or standard output).

        With no options, matching lines are merged to the first occurrence.

          -c, --count           prefix lines by the number of occurrences
          -d, --repeated        only print duplicate lines, one for each group
          -D                    print all duplicate lines
              --all-repeated[=METHOD]  like -D, but allow separating groups
                                         with an empty line;
                                         METHOD={none(default),prepend,separate}
          -f, --skip-fields=N   avoid comparing the first N fields
          -i, --ignore-case     ignore differences in case when comparing
          -s, --skip-chars=N    avoid comparing the first N characters
          -u, --unique          only print unique lines
              --group[=METHOD]  show all items, separating groups with an empty line;
                                  METHOD={separate(default),prepend,append,both}
          -w, --check-chars=N   compare no more than N characters in lines
          -z, --zero-terminated     line delimiter is NUL, not newline
              --help        display this help and exit

        A field is a run of blanks (usually spaces and/or TABs), then non-blank
        characters.  Fields are skipped before chars.
        """;

    private static readonly LongOption[] Longs =
    [
        new("count", false, 'c'), new("repeated", false, 'd'), new("skip-fields", true, 'f'), new("ignore-case", false, 'i'),
        new("skip-chars", true, 's'), new("unique", false, 'u'), new("check-chars", true, 'w'),
        new("all-repeated", true, 'D', OptionalArgument: true), new("group", true, '\u0002', OptionalArgument: true),
        new("zero-terminated", false, 'z'),
    ];

    private static readonly string[] DelimitMethods = ["none", "prepend", "separate"];
    private static readonly string[] GroupMethods = ["prepend", "append", "separate", "both"];

    // GNU's three switches of which lines of a run are written, and its separators.
    private bool _outputUnique = true, _outputFirstRepeated = true, _outputLaterRepeated;
    private bool _count, _ignoreCase, _optionUsed;
    private string _delimit = "none";
    private string? _grouping;
    private byte _delimiter = (byte)'\n';
    private long _skipFields, _skipChars, _checkChars = long.MaxValue;

    /// <inheritdoc />
    public override string Name => "uniq";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "cdDf:is:uw:z", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        foreach ((char key, string? value) in args.Options)
        {
            switch (key)
            {
                case 'c': _count = true; _optionUsed = true; break;
                case 'd': _outputUnique = false; _optionUsed = true; break;
                case 'u': _outputFirstRepeated = false; _optionUsed = true; break;
                case 'i': _ignoreCase = true; break;
                case 'z': _delimiter = 0; break;
                case 'D':
                    _outputUnique = false;
                    _outputLaterRepeated = true;
                    _optionUsed = true;
                    string? delimit = value is null ? "none" : Method(value, DelimitMethods);
                    if (delimit is null)
                    {
                        return await InvalidMethodAsync(context, value!, "--all-repeated", DelimitMethods).ConfigureAwait(false);
                    }

                    _delimit = delimit;
                    break;
                case '\u0002':
                    _grouping = value is null ? "separate" : Method(value, GroupMethods);
                    if (_grouping is null)
                    {
                        return await InvalidMethodAsync(context, value!, "--group", GroupMethods).ConfigureAwait(false);
                    }

                    break;
                default:
                    if (!Counts.TryParseCount(value!, out long n))
                    {
                        string what = key == 'f' ? "number of fields to skip" : key == 's' ? "number of bytes to skip" : "number of bytes to compare";
                        return await CommandIO.UsageAsync(context, Name, $"{value}: invalid {what}").ConfigureAwait(false);
                    }

                    if (key == 'f')
                    {
                        _skipFields = n;
                    }
                    else if (key == 's')
                    {
                        _skipChars = n;
                    }
                    else
                    {
                        _checkChars = n;
                    }

                    break;
            }
        }

        if (_grouping is not null && _optionUsed)
        {
            return await CommandIO.UsageAsync(context, Name, "--group is mutually exclusive with -c/-d/-D/-u").ConfigureAwait(false);
        }

        if (_count && _outputLaterRepeated)
        {
            return await CommandIO.UsageAsync(context, Name, "printing all duplicated lines and repeat counts is meaningless").ConfigureAwait(false);
        }

        if (args.Operands.Count > 2)
        {
            return await CommandIO.UsageAsync(context, Name, $"extra operand '{args.Operands[2]}'").ConfigureAwait(false);
        }

        PipeReader? reader = await CommandIO.OpenAsync(context, Name, args.Operands.Count > 0 ? args.Operands[0] : "-").ConfigureAwait(false);
        if (reader == null)
        {
            return 1;
        }

        FileStream? file = null;
        PipeWriter output = context.Output;
        try
        {
            if (args.Operands.Count == 2)
            {
                file = new FileStream(context.ResolvePath(args.Operands[1]), FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1);
                output = PipeWriter.Create(file);
            }

            await RunCoreAsync(reader, output, context.CancellationToken).ConfigureAwait(false);
            if (file != null)
            {
                await output.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is IOException && ex is not BrokenPipeException))
        {
            return await CommandIO.FailAsync(context, Name, $"{args.Operands[^1]}: {CommandIO.Reason(ex)}").ConfigureAwait(false);
        }
        finally
        {
            await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
            if (file != null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }

        return 0;
    }

    /// <summary>GNU's argmatch: the method <paramref name="value"/> names, exactly or as an unambiguous
    /// prefix; null otherwise.</summary>
    private static string? Method(string value, string[] methods)
    {
        if (Array.IndexOf(methods, value) >= 0)
        {
            return value;
        }

        string[] prefixed = [.. methods.Where(m => m.StartsWith(value, StringComparison.Ordinal))];
        return value.Length > 0 && prefixed.Length == 1 ? prefixed[0] : null;
    }

    private static async ValueTask<int> InvalidMethodAsync(StageContext context, string value, string option, string[] methods)
    {
        await context.WriteErrorLineAsync($"uniq: invalid argument '{value}' for '{option}'").ConfigureAwait(false);
        await context.WriteErrorLineAsync("Valid arguments are:").ConfigureAwait(false);
        foreach (string method in methods)
        {
            await context.WriteErrorLineAsync($"  - '{method}'").ConfigureAwait(false);
        }

        await context.WriteErrorLineAsync("Try 'uniq --help' for more information.").ConfigureAwait(false);
        return 1;
    }

    private async ValueTask RunCoreAsync(PipeReader reader, PipeWriter output, CancellationToken cancellationToken)
    {
        var lines = new LineReader(reader, _delimiter, flushWhenIdle: output);
        byte[] previous = new byte[256];
        int previousLength = -1;
        long matches = 0;
        bool firstDelimiter = true, anyGroup = false;
        while (await lines.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            ReadOnlySpan<byte> line = lines.Current;
            bool match = previousLength >= 0 && Same(previous.AsSpan(0, previousLength), line);
            if (_grouping is not null)
            {
                // --group: every line, an empty line before each run but the first (and first or last as asked).
                if (!match && (_grouping is "prepend" or "both" || anyGroup))
                {
                    output.Write([_delimiter]);
                }

                CommandIO.WriteLine(output, line, _delimiter);
                anyGroup = true;
            }
            else if (previousLength >= 0)
            {
                matches += match ? 1 : 0;
                if (_delimit != "none")
                {
                    if (!match)
                    {
                        firstDelimiter &= matches == 0;
                    }
                    else if (matches == 1 && (_delimit == "prepend" || !firstDelimiter))
                    {
                        output.Write([_delimiter]);
                    }
                }

                if (match && !_outputLaterRepeated)
                {
                    continue;
                }

                Emit(output, previous.AsSpan(0, previousLength), match, matches);
                matches = match ? matches : 0;
            }

            if (previous.Length < line.Length)
            {
                previous = new byte[Math.Max(line.Length, previous.Length * 2)];
            }

            line.CopyTo(previous);
            previousLength = line.Length;
            await output.MaybeFlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_grouping is not null)
        {
            if (anyGroup && _grouping is "append" or "both")
            {
                output.Write([_delimiter]);
            }
        }
        else if (previousLength >= 0)
        {
            Emit(output, previous.AsSpan(0, previousLength), false, matches);
        }

        await output.FlushOrStopAsync(cancellationToken).ConfigureAwait(false);
    }

    // GNU's writeline: `matches` is how many lines of the run came after its first so far; `match` whether the line
    // read after this one is of the same run.
    private void Emit(PipeWriter output, ReadOnlySpan<byte> line, bool match, long matches)
    {
        if (!(matches == 0 ? _outputUnique : !match ? _outputFirstRepeated : _outputLaterRepeated))
        {
            return;
        }

        if (_count)
        {
            CommandIO.WriteNumber(output, matches + 1, 7);
            output.Write(" "u8);
        }

        CommandIO.WriteLine(output, line, _delimiter);
    }

    private bool Same(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        a = Key(a);
        b = Key(b);
        if (!_ignoreCase)
        {
            return a.SequenceEqual(b);
        }

        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            int x = a[i], y = b[i];
            if (x != y && (x | 0x20) != (y | 0x20) || (x != y && (uint)((x | 0x20) - 'a') > 'z' - 'a'))
            {
                return false;
            }
        }

        return true;
    }

    private ReadOnlySpan<byte> Key(ReadOnlySpan<byte> line)
    {
        int i = 0;
        for (long f = 0; f < _skipFields && i < line.Length; f++)
        {
            while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }

            while (i < line.Length && line[i] is not ((byte)' ' or (byte)'\t'))
            {
                i++;
            }
        }

        i = _skipChars >= line.Length - i ? line.Length : i + (int)_skipChars;
        return line.Slice(i, (int)Math.Min(line.Length - i, _checkChars));
    }
}
