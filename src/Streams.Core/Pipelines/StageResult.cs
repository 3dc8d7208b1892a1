namespace Streams.Pipelines;

/// <summary>How a stage ended.</summary>
public enum StageEndKind
{
    /// <summary>The stage returned its exit status.</summary>
    Completed,

    /// <summary>The stage after it stopped reading and the stage stopped quietly (SIGPIPE in sh); a success.</summary>
    StoppedByReader,

    /// <summary>The stage threw: a real failure, which stops the whole pipeline.</summary>
    Failed,

    /// <summary>The pipeline was cancelled (Ctrl-C) or stopped by another stage's failure.</summary>
    Cancelled,
}

/// <summary>The status of one stage after its pipeline ended.</summary>
/// <param name="Name">The stage's name.</param>
/// <param name="ExitStatus">Its exit status (0 for <see cref="StageEndKind.StoppedByReader"/>, 130 when
/// cancelled, 1 when it failed unless it said otherwise).</param>
/// <param name="End">How it ended.</param>
/// <param name="Error">The exception of a failed stage.</param>
public readonly record struct StageResult(string Name, int ExitStatus, StageEndKind End, Exception? Error);

/// <summary>The statuses of all the stages of a pipeline.</summary>
public sealed class PipelineResult
{
    internal PipelineResult(IReadOnlyList<StageResult> stages)
    {
        Stages = stages;
    }

    /// <summary>One status per stage, in pipeline order.</summary>
    public IReadOnlyList<StageResult> Stages { get; }

    /// <summary>The status of the last stage, as <c>$?</c> in sh.</summary>
    public int ExitStatus => Stages.Count == 0 ? 0 : Stages[^1].ExitStatus;

    /// <summary>The status under <c>set -o pipefail</c>: that of the last stage that did not succeed, or 0.</summary>
    public int PipefailStatus
    {
        get
        {
            for (int i = Stages.Count - 1; i >= 0; i--)
            {
                if (Stages[i].ExitStatus != 0)
                {
                    return Stages[i].ExitStatus;
                }
            }

            return 0;
        }
    }

    /// <summary>The first stage that failed with an exception, if any.</summary>
    public StageResult? FirstFailure
    {
        get
        {
            foreach (StageResult stage in Stages)
            {
                if (stage.End == StageEndKind.Failed)
                {
                    return stage;
                }
            }

            return null;
        }
    }
}
