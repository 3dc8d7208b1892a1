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

    /// <summary>A redirected stderr, or null for the pipeline's.</summary>
    public PipeWriter? Error { get; init; }

    /// <summary>The environment, or null for the pipeline's.</summary>
    public IDictionary<string, string>? Environment { get; init; }
}
