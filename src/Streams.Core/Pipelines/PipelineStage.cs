namespace Streams.Pipelines;

/// <summary>
/// One stage of a pipeline: a command that reads bytes from <see cref="StageContext.Input"/>, writes bytes to
/// <see cref="StageContext.Output"/> and <see cref="StageContext.Error"/>, and ends with an exit status.
/// </summary>
/// <remarks>
/// <para>A stage runs as a coroutine beside the other stages of its pipeline; the pipeline owns the pipes and
/// completes them after <see cref="RunAsync"/> returns, so a stage need not complete them itself (it may, to
/// signal the end early).</para>
/// <para>When the stage after this one stops reading, the next flush of <see cref="StageContext.Output"/>
/// reports <see cref="System.IO.Pipelines.FlushResult.IsCompleted"/>; use
/// <see cref="StageIO.FlushOrStopAsync"/>, which throws <see cref="BrokenPipeException"/> so that the stage ends
/// quietly, as SIGPIPE ends a process in sh. The pipeline counts such a stage as a success.</para>
/// <para>A stage instance is run at most once.</para>
/// </remarks>
public abstract class PipelineStage
{
    /// <summary>The name used in messages and statuses, such as <c>grep</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Runs the stage to its end.</summary>
    /// <param name="context">The stage's pipes, arguments, environment and cancellation.</param>
    /// <returns>The exit status: 0 for success.</returns>
    public abstract ValueTask<int> RunAsync(StageContext context);

    /// <summary>The exit status when the stage fails on an error it leaves to its runner, such as a
    /// <see cref="WriteErrorException"/>: 1, or 2 where the GNU tool uses 2 for trouble (<c>grep</c>,
    /// <c>sort</c>).</summary>
    public virtual int FailureStatus => 1;

    /// <summary>Whether the stage goes on once the stage after it has stopped reading (<c>tee -p</c>, which still
    /// has files to write): the pipeline then does not cancel it as stopped by its reader, and it only meets a
    /// <see cref="BrokenPipeException"/> at its next flush to that reader. Read when the reader stops, so a stage
    /// may decide it from its arguments.</summary>
    public virtual bool OutlivesItsReader => false;

    /// <inheritdoc />
    public override string ToString() => Name;
}
