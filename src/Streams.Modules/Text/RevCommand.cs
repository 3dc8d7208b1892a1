using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>rev [FILE]...</c>: reverses the bytes of each line.</summary>
/// <remarks>rev is util-linux's, not GNU's. On ASCII text the output is the same; where util-linux rev works on
/// wide characters and so fails under <c>LC_ALL=C</c> on a byte above 0x7f ("Invalid or incomplete multibyte
/// character") and cuts lines at a NUL, this one reverses every byte, as the C locale's one-byte characters
/// suggest.</remarks>
internal sealed class RevCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: rev [FILE]...
        Reverse lines characterwise (bytewise).
        """;

    /// <inheritdoc />
    public override string Name => "rev";

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
            PipeReader? reader = await CommandIO.OpenAsync(context, Name, file, "cannot open {0}").ConfigureAwait(false);
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
                    Write(context.Output, lines.Current, lines.HasDelimiter);
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

    private static void Write(PipeWriter output, ReadOnlySpan<byte> line, bool newline)
    {
        Span<byte> span = output.GetSpan(line.Length + 1);
        line.CopyTo(span);
        span[..line.Length].Reverse();
        if (newline)
        {
            span[line.Length] = (byte)'\n';
        }

        output.Advance(line.Length + (newline ? 1 : 0));
    }
}
