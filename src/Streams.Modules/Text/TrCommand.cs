using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>tr [-cdst] SET1 [SET2]</c>: translates, deletes or squeezes bytes through 256-entry tables.</summary>
internal sealed class TrCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: tr [OPTION]... STRING1 [STRING2]
        Translate, squeeze, and/or delete characters from standard input,
        writing to standard output.  STRING1 and STRING2 specify arrays of
        characters ARRAY1 and ARRAY2 that control the action.

          -c, -C, --complement    use the complement of ARRAY1
          -d, --delete            delete characters in ARRAY1, do not translate
          -s, --squeeze-repeats   replace each sequence of a repeated character
                                    that is listed in the last specified ARRAY,
                                    with a single occurrence of that character
          -t, --truncate-set1     first truncate ARRAY1 to length of ARRAY2
              --help        display this help and exit

        ARRAYs are specified as strings of characters.  Most represent themselves.
        Interpreted sequences are: \NNN \\ \a \b \f \n \r \t \v, CHAR1-CHAR2,
        [CHAR*], [CHAR*REPEAT], [:alnum:] [:alpha:] [:blank:] [:cntrl:] [:digit:]
        [:graph:] [:lower:] [:print:] [:punct:] [:space:] [:upper:] [:xdigit:],
        [=CHAR=].
        """;

    private static readonly LongOption[] Longs =
    [
        new("complement", false, 'c'), new("delete", false, 'd'), new("squeeze-repeats", false, 's'), new("truncate-set1", false, 't'),
    ];

    /// <inheritdoc />
    public override string Name => "tr";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "+cCdst", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        bool complement = args.Has('c') || args.Has('C'), delete = args.Has('d'), squeeze = args.Has('s'), truncate = args.Has('t');
        List<string> ops = args.Operands;
        bool translate = !delete && ops.Count == 2;
        int wanted = delete && squeeze ? 2 : delete || (squeeze && ops.Count < 2) ? 1 : 2;
        if (ops.Count == 0)
        {
            return await CommandIO.UsageAsync(context, Name, "missing operand").ConfigureAwait(false);
        }

        if (ops.Count < wanted)
        {
            string why = squeeze ? "Two strings must be given when both deleting and squeezing repeats." : "Two strings must be given when translating.";
            return await CommandIO.UsageAsync(context, Name, $"missing operand after '{ops[^1]}'\n{why}").ConfigureAwait(false);
        }

        if (ops.Count > wanted)
        {
            string extra = wanted == 1 && delete ? "\nOnly one string may be given when deleting without squeezing repeats." : "";
            return await CommandIO.UsageAsync(context, Name, $"extra operand '{ops[wanted]}'{extra}").ConfigureAwait(false);
        }

        string? error = TrSet.TryParse(CommandIO.ArgumentBytes(ops[0]), false, out List<byte> set1, out _, out _, out List<(int At, string Name)> classes1);
        List<byte> set2 = [];
        byte[] map = new byte[256];
        for (int b = 0; b < 256; b++)
        {
            map[b] = (byte)b;
        }

        if (error == null && ops.Count == 2)
        {
            error = TrSet.TryParse(CommandIO.ArgumentBytes(ops[1]), translate, out set2, out int fillAt, out byte fillByte, out List<(int At, string Name)> classes2);
            if (error == null)
            {
                TrSet.Fill(set2, classes2, fillAt, fillByte, complement ? 256 - set1.Distinct().Count() : set1.Count);
                if (translate)
                {
                    error = TrTranslation.TryBuild(set1, classes1, set2, classes2, complement, truncate, map);
                }
            }
        }

        if (error != null)
        {
            return await CommandIO.FailAsync(context, Name, error).ConfigureAwait(false);
        }

        if (complement)
        {
            set1 = TrTranslation.Complement(set1);
        }

        bool[] deleted = new bool[256];
        if (delete)
        {
            foreach (byte b in set1)
            {
                deleted[b] = true;
            }
        }

        bool[] squeezed = new bool[256];
        if (squeeze)
        {
            foreach (byte b in ops.Count == 2 ? set2 : set1)
            {
                squeezed[b] = true;
            }
        }

        await PumpAsync(context, map, delete ? deleted : null, squeeze ? squeezed : null).ConfigureAwait(false);
        return 0;
    }

    private static async ValueTask PumpAsync(StageContext context, byte[] map, bool[]? deleted, bool[]? squeezed)
    {
        int last = -1;
        while (true)
        {
            ReadResult result = await IdleFlush.ReadAsync(context.Input, context.Output, context.CancellationToken).ConfigureAwait(false);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                ReadOnlySpan<byte> source = segment.Span;
                Span<byte> target = context.Output.GetSpan(source.Length);
                int n = 0;
                if (deleted == null && squeezed == null)
                {
                    for (int i = 0; i < source.Length; i++)
                    {
                        target[i] = map[source[i]];
                    }

                    n = source.Length;
                }
                else
                {
                    foreach (byte b in source)
                    {
                        if (deleted != null && deleted[b])
                        {
                            continue;
                        }

                        byte o = map[b];
                        if (squeezed != null && o == last && squeezed[o])
                        {
                            continue;
                        }

                        target[n++] = o;
                        last = o;
                    }
                }

                context.Output.Advance(n);
            }

            context.Input.AdvanceTo(result.Buffer.End);
            await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
    }
}
