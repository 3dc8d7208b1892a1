namespace Streams.Pipelines;

/// <summary>Thrown by a stage's write when its output cannot take the bytes for a reason other than a reader that
/// has gone (that is a <see cref="BrokenPipeException"/>): a full disk, a closed descriptor, a file grown past its
/// limit. The message reads like GNU's (<c>write error: No space left on device</c>).</summary>
/// <remarks>A command that meets it stops, as GNU's tools do, and ends with its
/// <see cref="PipelineStage.FailureStatus"/>; the shell reports the message once, with the command's name. A
/// command that writes to several places (<c>tee</c>) may catch it and go on with the others.</remarks>
public sealed class WriteErrorException : IOException
{
    /// <summary>Creates the exception for <paramref name="errno"/>, described by <paramref name="reason"/>.</summary>
    public WriteErrorException(int errno, string reason, Exception? inner = null) : base("write error: " + reason, inner)
    {
        HResult = errno;
        Reason = reason;
    }

    /// <summary>Why the write failed (<c>strerror</c>'s text, such as <c>No space left on device</c>).</summary>
    public string Reason { get; }

    /// <summary>The errno of the failed write.</summary>
    public int Errno => HResult;
}
