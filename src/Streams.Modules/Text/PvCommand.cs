using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Globalization;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>pv [FILE]...</c>: copies the files (standard input for none or <c>-</c>) to standard output, one
/// after the other as cat does, and reports progress on standard error every second and at the end.</summary>
internal sealed class PvCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: pv [OPTION]... [FILE]...
        Concatenate FILE(s), or standard input, to standard output, reporting bytes copied, elapsed time
        and throughput on standard error once a second and at the end.

        With no FILE, or when FILE is -, read standard input. A FILE that cannot be opened is reported
        and skipped, and the exit status is then 2, as pv's.

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
        var progress = new Progress(quiet, Stopwatch.StartNew());
        int status = 0;
        try
        {
            foreach (string file in args.Operands.Count == 0 ? ["-"] : args.Operands)
            {
                PipeReader? reader = await CommandIO.OpenAsync(context, Name, file).ConfigureAwait(false);
                if (reader == null)
                {
                    // pv's exit status is a bit mask; 2 is "one or more files could not be accessed".
                    status |= 2;
                    continue;
                }

                try
                {
                    await CopyAsync(context, reader, progress).ConfigureAwait(false);
                }
                finally
                {
                    await CommandIO.CloseAsync(context, reader).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (!quiet)
            {
                await context.WriteErrorLineAsync(Report(progress.Total, progress.Clock.Elapsed, final: true)).ConfigureAwait(false);
            }
        }

        return status;
    }

    private static async ValueTask CopyAsync(StageContext context, PipeReader reader, Progress progress)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(context.CancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                context.Output.Write(segment.Span);
            }

            progress.Total += buffer.Length;
            reader.AdvanceTo(buffer.End);

            // pv shows the flow as it happens, so it passes every read on at once.
            await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
            if (!progress.Quiet && progress.Clock.Elapsed - progress.LastReport >= TimeSpan.FromSeconds(1))
            {
                progress.LastReport = progress.Clock.Elapsed;
                await context.WriteErrorLineAsync(Report(progress.Total, progress.LastReport, final: false)).ConfigureAwait(false);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
    }

    /// <summary>What the reports need across files.</summary>
    private sealed class Progress(bool quiet, Stopwatch clock)
    {
        public bool Quiet { get; } = quiet;

        public Stopwatch Clock { get; } = clock;

        public TimeSpan LastReport { get; set; }

        public long Total { get; set; }
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
