using System.Buffers;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>yes [STRING]...</c>: repeats a line until the reader stops.</summary>
internal sealed class YesCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: yes [STRING]...
        Repeatedly output a line with all specified STRING(s), or 'y'.
        """;

    /// <inheritdoc />
    public override string Name => "yes";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyList<string> args = context.Arguments;
        if (args.Count == 1 && args[0] == "--help")
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        if (args.Count > 0 && args[0] == "--")
        {
            args = args.Skip(1).ToList();
        }

        byte[] line = Encoding.UTF8.GetBytes((args.Count == 0 ? "y" : string.Join(' ', args)) + "\n");

        // Fill one batch with whole copies of the line, then hand the same batch over and over.
        int copies = Math.Max(1, StageIO.BatchSize / line.Length);
        byte[] batch = new byte[copies * line.Length];
        for (int i = 0; i < copies; i++)
        {
            line.CopyTo(batch, i * line.Length);
        }

        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            context.Output.Write(batch);
            await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        }
    }
}
