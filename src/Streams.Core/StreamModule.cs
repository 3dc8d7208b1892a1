namespace Streams;

/// <summary>Placeholder-free seed; replaced below.</summary>
public abstract class StreamModule
{
}
