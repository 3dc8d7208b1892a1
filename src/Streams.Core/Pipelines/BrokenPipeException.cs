namespace Streams.Pipelines;

/// <summary>Thrown by a stage's write when the stage after it has stopped reading: the quiet end that SIGPIPE
/// gives in sh. A pipeline counts a stage that ends with it as a success.</summary>
public sealed class BrokenPipeException : IOException
{
    /// <summary>Creates the exception.</summary>
    public BrokenPipeException() : base("broken pipe")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BrokenPipeException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public BrokenPipeException(string message, Exception inner) : base(message, inner)
    {
    }
}
