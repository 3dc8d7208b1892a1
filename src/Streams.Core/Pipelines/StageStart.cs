using System.IO.Pipelines;

namespace Streams.Pipelines;

/// <summary>How to start one stage of a <see cref="Pipeline"/>: the stage and, where it is redirected, its own
/// stdin, stdout or stderr.</summary>
/// <remarks>A null <see cref="Input"/> (except on the first stage) or <see cref="Output"/> (except on the last)
/// joins the stage to its neighbour with a bounded pipe. Pipes given here belong to the caller: the pipeline
/// never completes them.</remarks>
public sealed class StageStart
{
    /// <summary>Creates a start for <paramref name="stage"/> with <paramref name="arguments"/>.</summary>
    public StageStart(PipelineStage stage, IReadOnlyList<string>? arguments = null)
    {
        ArgumentNullException.ThrowIfNull(stage);
        Stage = stage;
        Arguments = arguments ?? [];
    }

    /// <summary>The stage.</summary>
    public PipelineStage Stage { get; }

    /// <summary>Its arguments.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>A redirected stdin, or null.</summary>
    public PipeReader? Input { get; init; }

    /// <summary>The size of <see cref="Input"/> when it is a regular file, or null
    /// (<see cref="StageContext.InputLength"/>).</summary>
    public long? InputLength { get; init; }

    /// <summary>A redirected stdout, or null.</summary>
    public PipeWriter? Output { get; init; }

    /// <summary>The process descriptor that <see cref="Input"/> reads, when the stage may read it directly
    /// (<see cref="StageContext.InputDescriptor"/>); null otherwise.</summary>
    public int? InputDescriptor { get; init; }

    /// <summary>The process descriptor that <see cref="Output"/> writes, when the stage may write it directly
    /// (<see cref="StageContext.OutputDescriptor"/>); null otherwise.</summary>
    public int? OutputDescriptor { get; init; }

    /// <summary>The file <see cref="Input"/> reads, when the stage's stdin was opened from a path
    /// (<see cref="StageContext.InputPath"/>); null otherwise.</summary>
    public string? InputPath { get; init; }

    /// <summary>The file <see cref="Output"/> writes, when the stage's stdout was opened on a path
    /// (<see cref="StageContext.OutputPath"/>); null otherwise.</summary>
    public string? OutputPath { get; init; }

    /// <summary>A redirected stderr, or null for the pipeline's.</summary>
    public PipeWriter? Error { get; init; }

    /// <summary>Whether <see cref="Output"/> is a pipe that the next stage reads (one the caller made): when the
    /// next stage ends, this one is then stopped as by a broken pipe, as with the pipes the pipeline makes.</summary>
    /// <remarks>A <see cref="System.IO.Pipelines.Pipe"/> whose reader has completed drops what is written, and
    /// bytes written before the reader completed stay counted as unflushed for ever: a stage that flushes only full
    /// batches (<see cref="StageIO.MaybeFlushAsync"/>) could otherwise write into the void without end
    /// (<c>yes | grep y | head -n 1</c>). Leave it false for a stage whose output the next stage does not read, and
    /// for a process whose pipe reports the gone reader itself (SIGPIPE).</remarks>
    public bool StopsWithNext { get; init; }

    /// <summary>The environment, or null for the pipeline's.</summary>
    public IDictionary<string, string>? Environment { get; init; }
}
