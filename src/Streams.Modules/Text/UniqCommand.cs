using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>uniq [-cdui] [-f N] [-s N] [-w N] [INPUT [OUTPUT]]</c>: collapses runs of equal lines.</summary>
internal sealed class UniqCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: uniq [OPTION]... [INPUT [OUTPUT]]
        Filter adjacent matching lines from INPUT (or standard input),
        writing to OUTPUT (or standard output).

        With no options, matching lines are merged to the first occurrence.

          -c, --count           prefix lines by the number of occurrences
          -d, --repeated        only print duplicate lines, one for each group
          -f, --skip-fields=N   avoid comparing the first N fields
          -i, --ignore-case     ignore differences in case when comparing
          -s, --skip-chars=N    avoid comparing the first N characters
          -u, --unique          only print unique lines
          -w, --check-chars=N   compare no more than N characters in lines
              --help        display this help and exit

        A field is a run of blanks (usually spaces and/or TABs), then non-blank
        characters.  Fields are skipped before chars.
        """;

    private static readonly LongOption[] Longs =
    [
        new("count", false, 'c'), new("repeated", false, 'd'), new("skip-fields", true, 'f'), new("ignore-case", false, 'i'),
        new("skip-chars", true, 's'), new("unique", false, 'u'), new("check-chars", true, 'w'),
    ];

    private bool _count, _repeated, _unique, _ignoreCase;
    private long _skipFields, _skipChars, _checkChars = long.MaxValue;

    /// <inheritdoc />
    public override string Name => "uniq";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "cdf:is:uw:", Longs);
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
                case 'c': _count = true; break;
                case 'd': _repeated = true; break;
                case 'u': _unique = true; break;
                case 'i': _ignoreCase = true; break;
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

    private async ValueTask RunCoreAsync(PipeReader reader, PipeWriter output, CancellationToken cancellationToken)
    {
        var lines = new LineReader(reader, flushWhenIdle: output);
        byte[] previous = new byte[256];
        int previousLength = -1;
        long count = 0;
        while (await lines.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            ReadOnlySpan<byte> line = lines.Current;
            if (previousLength >= 0 && Same(previous.AsSpan(0, previousLength), line))
            {
                count++;
                continue;
            }

            if (previousLength >= 0)
            {
                Emit(output, previous.AsSpan(0, previousLength), count);
            }

            if (previous.Length < line.Length)
            {
                previous = new byte[Math.Max(line.Length, previous.Length * 2)];
            }

            line.CopyTo(previous);
            previousLength = line.Length;
            count = 1;
            await output.MaybeFlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (previousLength >= 0)
        {
            Emit(output, previous.AsSpan(0, previousLength), count);
        }

        await output.FlushOrStopAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Emit(PipeWriter output, ReadOnlySpan<byte> line, long count)
    {
        if ((_repeated && count < 2) || (_unique && count != 1))
        {
            return;
        }

        if (_count)
        {
            CommandIO.WriteNumber(output, count, 7);
            output.Write(" "u8);
        }

        CommandIO.WriteLine(output, line);
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
