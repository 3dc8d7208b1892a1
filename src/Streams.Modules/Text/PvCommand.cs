using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Globalization;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>pv</c>: copies standard input to standard output and reports progress on standard error
/// every second and at the end.</summary>
internal sealed class PvCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: pv [OPTION]...
        Copy standard input to standard output, reporting bytes copied, elapsed time and throughput on
        standard error once a second and at the end.

          -q, --quiet       report nothing
              --help        display this help and exit
        """;

    /// <inheritdoc />
    public override string Name => "pv";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "q", [new("quiet", false, 'q')]);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        bool quiet = args.Has('q');
        var clock = Stopwatch.StartNew();
        TimeSpan lastReport = TimeSpan.Zero;
        long total = 0;
        try
        {
            while (true)
            {
                ReadResult result = await context.Input.ReadAsync(context.CancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                foreach (ReadOnlyMemory<byte> segment in buffer)
                {
                    context.Output.Write(segment.Span);
                }

                total += buffer.Length;
                context.Input.AdvanceTo(buffer.End);

                // pv shows the flow as it happens, so it passes every read on at once.
                await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
                if (!quiet && clock.Elapsed - lastReport >= TimeSpan.FromSeconds(1))
                {
                    lastReport = clock.Elapsed;
                    await context.WriteErrorLineAsync(Report(total, lastReport, final: false)).ConfigureAwait(false);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        finally
        {
            if (!quiet)
            {
                await context.WriteErrorLineAsync(Report(total, clock.Elapsed, final: true)).ConfigureAwait(false);
            }
        }

        return 0;
    }

    /// <summary>Formats one report line, such as <c>pv: 1048576 bytes (1.0 MiB), 0.50 s, 2.0 MiB/s</c>.</summary>
    internal static string Report(long bytes, TimeSpan elapsed, bool final)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-6);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"pv: {bytes} bytes ({Human(bytes)}), {elapsed.TotalSeconds:0.00} s, {Human(bytes / seconds)}/s{(final ? "" : " ...")}");
    }

    private static string Human(double value)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
