using Streams.Components;

namespace Streams.Modules;

/// <summary>Registers the stock stream modules (framing, compression, protocol and utility modules).</summary>
public static partial class StreamModules
{
    /// <summary>Adds every stock module to <paramref name="registry"/>.</summary>
    public static ComponentRegistry AddStreamModules(this ComponentRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        AddFraming(registry);
        AddCompression(registry);
        AddProtocol(registry);
        AddTls(registry);
        return registry;
    }

    static partial void AddFraming(ComponentRegistry registry);

    static partial void AddCompression(ComponentRegistry registry);

    static partial void AddProtocol(ComponentRegistry registry);

    static partial void AddTls(ComponentRegistry registry);
}
