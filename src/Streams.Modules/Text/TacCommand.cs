using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>tac [FILE]...</c>: prints each file's lines last first.</summary>
internal sealed class TacCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: tac [OPTION]... [FILE]...
        Write each FILE to standard output, last line first.

        With no FILE, or when FILE is -, read standard input.

              --help        display this help and exit
        """;

    /// <inheritdoc />
    public override string Name => "tac";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "");
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        int status = 0;
        foreach (string file in args.Operands.Count == 0 ? ["-"] : args.Operands)
        {
            PipeReader? reader = await CommandIO.OpenAsync(context, Name, file, "failed to open '{0}' for reading").ConfigureAwait(false);
            if (reader == null)
            {
                status = 1;
                continue;
            }

            byte[] data;
            try
            {
                data = await reader.ReadAllBytesAsync(context.CancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
            }

            int end = data.Length;
            while (end > 0)
            {
                int searchEnd = data[end - 1] == '\n' ? end - 1 : end;
                int start = data.AsSpan(0, searchEnd).LastIndexOf((byte)'\n') + 1;
                context.Output.Write(data.AsSpan(start, end - start));
                end = start;
                await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
            }
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return status;
    }
}
