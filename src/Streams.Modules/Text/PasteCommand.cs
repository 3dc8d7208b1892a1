using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>paste [-s] [-d LIST] [FILE]...</c>: joins corresponding lines of files, or (-s) each file's
/// lines into one.</summary>
internal sealed class PasteCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: paste [OPTION]... [FILE]...
        Write lines consisting of the sequentially corresponding lines from
        each FILE, separated by TABs, to standard output.

        With no FILE, or when FILE is -, read standard input.

          -d, --delimiters=LIST   reuse characters from LIST instead of TABs
          -s, --serial            paste one file at a time instead of in parallel
          -z, --zero-terminated    line delimiter is NUL, not newline
              --help        display this help and exit

        LIST may use the escapes \b \f \n \r \t \v \\ and \0 (no delimiter).
        """;

    private static readonly LongOption[] Longs = [new("delimiters", true, 'd'), new("serial", false, 's'), new("zero-terminated", false, 'z')];

    /// <inheritdoc />
    public override string Name => "paste";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "d:sz", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        string list = args.Last('d') ?? "\t";
        if (ParseDelimiters(CommandIO.ArgumentBytes(list)) is not { } delimiters)
        {
            return await CommandIO.FailAsync(context, Name, $"delimiter list ends with an unescaped backslash: {list}").ConfigureAwait(false);
        }

        List<string> files = args.Operands.Count == 0 ? ["-"] : args.Operands;
        var readers = new List<PipeReader>();
        try
        {
            foreach (string file in files)
            {
                PipeReader? reader = await CommandIO.OpenAsync(context, Name, file).ConfigureAwait(false);
                if (reader == null)
                {
                    return 1;
                }

                readers.Add(reader);
            }

            // -z: lines end with NUL instead of newline, on input and output.
            byte eol = args.Has('z') ? (byte)0 : (byte)'\n';
            LineReader? stdin = null;
            var lines = readers.Select(r => ReferenceEquals(r, context.Input) ? stdin ??= new LineReader(r, eol, context.Output) : new LineReader(r, eol, context.Output)).ToList();
            if (args.Has('s'))
            {
                await SerialAsync(context, lines, delimiters, eol).ConfigureAwait(false);
            }
            else
            {
                await ParallelAsync(context, lines, delimiters, eol).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (PipeReader reader in readers)
            {
                await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
            }
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static async ValueTask SerialAsync(StageContext context, List<LineReader> lines, List<byte[]> delimiters, byte eol)
    {
        PipeWriter output = context.Output;
        foreach (LineReader reader in lines)
        {
            int index = 0;
            bool first = true;
            while (await reader.MoveNextAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (!first && delimiters.Count > 0)
                {
                    output.Write(delimiters[index]);
                    index = (index + 1) % delimiters.Count;
                }

                first = false;
                output.Write(reader.Current);
                await output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
            }

            output.Write([eol]);
        }
    }

    private static async ValueTask ParallelAsync(StageContext context, List<LineReader> lines, List<byte[]> delimiters, byte eol)
    {
        PipeWriter output = context.Output;
        var done = new bool[lines.Count];
        var pending = new ArrayBufferWriter<byte>();
        while (true)
        {
            pending.Clear();
            bool any = false;
            for (int i = 0; i < lines.Count; i++)
            {
                if (!done[i])
                {
                    if (await lines[i].MoveNextAsync(context.CancellationToken).ConfigureAwait(false))
                    {
                        any = true;
                        pending.Write(lines[i].Current);
                    }
                    else
                    {
                        done[i] = true;
                    }
                }

                if (i < lines.Count - 1 && delimiters.Count > 0)
                {
                    pending.Write(delimiters[i % delimiters.Count]);
                }
            }

            if (!any)
            {
                return;
            }

            output.Write(pending.WrittenSpan);
            output.Write([eol]);
            await output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>GNU's <c>collapse_escapes</c>: \0 (no delimiter), \b \f \n \r \t \v \\, any other escaped byte
    /// as itself; null when the list ends with an unescaped backslash (an error).</summary>
    private static List<byte[]>? ParseDelimiters(byte[] list)
    {
        var result = new List<byte[]>();
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i] != '\\')
            {
                result.Add([list[i]]);
                continue;
            }

            if (i + 1 >= list.Length)
            {
                return null;
            }

            byte e = list[++i];
            result.Add(e switch
            {
                (byte)'0' => [],
                (byte)'b' => [(byte)'\b'],
                (byte)'f' => [(byte)'\f'],
                (byte)'n' => [(byte)'\n'],
                (byte)'r' => [(byte)'\r'],
                (byte)'t' => [(byte)'\t'],
                (byte)'v' => [(byte)'\v'],
                _ => [e],
            });
        }

        return result;
    }
}
