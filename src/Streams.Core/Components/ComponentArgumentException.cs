namespace Streams.Components;

/// <summary>Bad arguments for a component; the message names the component and the argument, such as
/// <c>line: --max: 'lots' is not a size</c>.</summary>
public sealed class ComponentArgumentException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ComponentArgumentException(string component, string message)
        : base($"{component}: {message}")
    {
        Component = component;
    }

    /// <summary>The component whose arguments were bad.</summary>
    public string Component { get; }
}
