using System.IO.Pipelines;

namespace Streams.Pipelines;

/// <summary>Runs stages concurrently as coroutines joined by bounded byte pipes.</summary>
/// <remarks>
/// <para>Stages are joined by <see cref="System.IO.Pipelines.Pipe"/>s with 64 KiB segments and a 1 MiB pause
/// threshold (<see cref="StageOptions"/>): a fast producer waits for a slow consumer, and bytes cross threads
/// in large batches (the default <see cref="PipeOptions"/> are several times slower).</para>
/// <para>When a stage ends, its stdin is completed, so the stage before it stops at its next flush with a
/// <see cref="BrokenPipeException"/> (counted as success), and its stdout is completed, so the stage after it
/// sees the end of its input. The stage before is also cancelled as "stopped by its reader", which stops one that
/// flushes only full batches (not one that <see cref="PipelineStage.OutlivesItsReader"/>); between stages joined by the caller's own pipes, only where
/// <see cref="StageStart.StopsWithNext"/> says so. A stage that throws anything else fails the pipeline: the other stages are
/// cancelled and the failure is reported with the stage's name.</para>
/// <para>The stages of a pipeline of several start on the thread pool; a stage alone starts on the caller's thread
/// and runs there until its first wait (a command line like <c>true</c> never wakes the pool).</para>
/// </remarks>
public static class Pipeline
{
    /// <summary>The options of the pipes between stages.</summary>
    public static PipeOptions StageOptions { get; } = new(
        pool: null,
        readerScheduler: PipeScheduler.ThreadPool,
        writerScheduler: PipeScheduler.ThreadPool,
        pauseWriterThreshold: 1024 * 1024,
        resumeWriterThreshold: 512 * 1024,
        minimumSegmentSize: 64 * 1024,
        useSynchronizationContext: false);

    /// <summary>Runs the stages until all have ended.</summary>
    /// <param name="stages">The stages in order; the first needs an <see cref="StageStart.Input"/> and the last
    /// an <see cref="StageStart.Output"/>.</param>
    /// <param name="error">The stderr of stages that have none of their own.</param>
    /// <param name="workingDirectory">The working directory of every stage.</param>
    /// <param name="environment">The environment of stages that have none of their own.</param>
    /// <param name="cancellationToken">Cancels every stage (Ctrl-C).</param>
    public static async Task<PipelineResult> RunAsync(
        IReadOnlyList<StageStart> stages,
        PipeWriter error,
        string? workingDirectory = null,
        IDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(error);
        if (stages.Count == 0)
        {
            return new PipelineResult([]);
        }

        if (stages[0].Input is null)
        {
            throw new ArgumentException("The first stage needs an input.", nameof(stages));
        }

        if (stages[^1].Output is null)
        {
            throw new ArgumentException("The last stage needs an output.", nameof(stages));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inputs = new PipeReader[stages.Count];
        var outputs = new PipeWriter[stages.Count];
        var owned = new bool[stages.Count, 2];
        for (int i = 0; i < stages.Count; i++)
        {
            if (stages[i].Input is { } input)
            {
                inputs[i] = input;
            }

            if (stages[i].Output is { } output)
            {
                outputs[i] = output;
            }
        }

        for (int i = 0; i + 1 < stages.Count; i++)
        {
            if (outputs[i] is null || inputs[i + 1] is null)
            {
                var pipe = new Pipe(StageOptions);
                if (outputs[i] is null)
                {
                    outputs[i] = pipe.Writer;
                    owned[i, 1] = true;
                }
                else
                {
                    // The stage writes elsewhere (a redirection): its successor reads an empty pipe.
                    pipe.Writer.Complete();
                }

                if (inputs[i + 1] is null)
                {
                    inputs[i + 1] = pipe.Reader;
                    owned[i + 1, 0] = true;
                }
                else
                {
                    pipe.Reader.Complete();
                }
            }
        }

        // Each stage has its own token, cancelled also when the stage after it stops reading: a producer that
        // writes into the void without ever flushing (a Pipe whose reader completed counts nothing as unflushed)
        // is stopped that way, as SIGPIPE stops it in sh.
        var readerGone = new CancellationTokenSource[stages.Count];
        for (int i = 0; i < stages.Count; i++)
        {
            readerGone[i] = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        }

        var tasks = new Task<StageResult>[stages.Count];
        for (int i = 0; i < stages.Count; i++)
        {
            StageStart start = stages[i];
            var context = new StageContext(
                inputs[i],
                outputs[i],
                start.Error ?? error,
                start.Arguments,
                start.Environment ?? environment,
                workingDirectory,
                readerGone[i].Token)
            {
                InputLength = start.Input is null ? null : start.InputLength,
                InputDescriptor = start.Input is null ? null : start.InputDescriptor,
                OutputDescriptor = start.Output is null ? null : start.OutputDescriptor,
                InputPath = start.Input is null ? null : start.InputPath,
                OutputPath = start.Output is null ? null : start.OutputPath,
            };
            tasks[i] = RunStageAsync(start.Stage, context, owned[i, 0], owned[i, 1], stop, readerGone[i], (owned[i, 0] && owned[i - 1, 1]) || (i > 0 && stages[i - 1].StopsWithNext) ? readerGone[i - 1] : null, i > 0 ? stages[i - 1].Stage : null, inline: stages.Count == 1);
        }

        try
        {
            StageResult[] results = await Task.WhenAll(tasks).ConfigureAwait(false);
            return new PipelineResult(results);
        }
        finally
        {
            foreach (CancellationTokenSource cts in readerGone)
            {
                cts.Dispose();
            }
        }
    }

    private static async Task<StageResult> RunStageAsync(PipelineStage stage, StageContext context, bool ownsInput, bool ownsOutput, CancellationTokenSource stop, CancellationTokenSource own, CancellationTokenSource? upstream, PipelineStage? before, bool inline)
    {
        // Start every stage of a pipeline on the thread pool so that one stage's synchronous prologue never delays
        // the others. A stage alone starts on the caller's thread: `true` or `cd` never wake the thread pool (its
        // threads cost a shell command line a quarter of its start-up, docs/benchmarks.md).
        if (!inline)
        {
            // To the thread pool, never to the caller's SynchronizationContext (a library must not post its work there).
            await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        }

        StageResult result;
        try
        {
            int status = await stage.RunAsync(context).ConfigureAwait(false);
            result = new StageResult(stage.Name, status, StageEndKind.Completed, null);
        }
        catch (BrokenPipeException)
        {
            result = new StageResult(stage.Name, 0, StageEndKind.StoppedByReader, null);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            result = new StageResult(stage.Name, 130, StageEndKind.Cancelled, null);
        }
        catch (OperationCanceledException) when (own.IsCancellationRequested)
        {
            // Not the pipeline: the stage after this one stopped reading.
            result = new StageResult(stage.Name, 0, StageEndKind.StoppedByReader, null);
        }
        catch (Exception ex)
        {
            result = new StageResult(stage.Name, ex is StageFailedException failed ? failed.ExitStatus : 1, StageEndKind.Failed, ex);
            await context.WriteErrorLineAsync(ex is StageFailedException ? ex.Message : $"{stage.Name}: {ex.Message}").ConfigureAwait(false);
            try
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
            }
        }

        if (ownsInput)
        {
            await context.Input.CompleteAsync().ConfigureAwait(false);
        }

        if (upstream is not null && before?.OutlivesItsReader != true)
        {
            try
            {
                await upstream.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
            }
        }

        if (ownsOutput)
        {
            try
            {
                await context.Output.FlushAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
            {
                // Already completed by the stage itself, or the pipeline was cancelled: what is left is dropped.
            }

            await context.Output.CompleteAsync().ConfigureAwait(false);
        }
        else
        {
            try
            {
                await context.Output.FlushAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
            {
                // As above: a redirection's writer that was completed, or a cancelled pipeline.
            }
        }

        return result;
    }
}
