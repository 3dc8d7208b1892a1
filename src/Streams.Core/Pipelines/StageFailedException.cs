namespace Streams.Pipelines;

/// <summary>Thrown by a stage to end with a failure whose message is already in the user's words (such as
/// <c>gunzip: stdin: not in gzip format</c>) and an exit status of its choosing.</summary>
public sealed class StageFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StageFailedException(string message, int exitStatus = 1) : base(message)
    {
        ExitStatus = exitStatus;
    }

    /// <summary>Creates the exception with a cause.</summary>
    public StageFailedException(string message, Exception inner, int exitStatus = 1) : base(message, inner)
    {
        ExitStatus = exitStatus;
    }

    /// <summary>The exit status the stage ends with.</summary>
    public int ExitStatus { get; }
}
