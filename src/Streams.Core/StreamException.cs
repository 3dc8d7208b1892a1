namespace Streams;

/// <summary>The stream failed; <see cref="Component"/> names the module or driver that raised the error.</summary>
public sealed class StreamException : IOException
{
    /// <summary>Creates the exception.</summary>
    public StreamException(string component, string message, Exception? inner = null)
        : base($"{component}: {message}", inner)
    {
        Component = component;
    }

    /// <summary>The module or driver that raised the error.</summary>
    public string Component { get; }

    /// <summary>Wraps a foreign exception once, with the component's name.</summary>
    public static StreamException Wrap(string component, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error as StreamException ?? new StreamException(component, error.Message, error);
    }
}
