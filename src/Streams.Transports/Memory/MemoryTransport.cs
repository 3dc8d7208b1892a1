using System.Collections.Concurrent;

namespace Streams.Transports.Memory;

/// <summary>The <c>mem:NAME</c> transport: in-process endpoints found by name. A listener registers the name;
/// each open of <c>mem:NAME</c> creates a cross-connected pipe (<see cref="StreamPipe"/>) and hands one end to the
/// listener, the other to the caller.</summary>
/// <remarks>
/// Both ends share one serial context, so data crosses by plain calls and flow control spans the pipe exactly.
/// Opening a name nobody listens on is a <see cref="StreamException"/> (<c>mem:NAME: connection refused</c>).
/// Names are case-sensitive and live as long as their listener.
/// </remarks>
public static class MemoryTransport
{
    private static readonly ConcurrentDictionary<string, MemoryListener> s_listeners = new(StringComparer.Ordinal);

    /// <summary>The names listened on now.</summary>
    public static IReadOnlyCollection<string> Names => s_listeners.Keys.ToArray();

    /// <summary>Registers <paramref name="name"/> (without the <c>mem:</c> prefix, which is accepted too).</summary>
    /// <param name="name">The name.</param>
    /// <param name="options">The options of the listener's ends (null: the defaults).</param>
    /// <exception cref="StreamException">The name is taken.</exception>
    public static MemoryListener Listen(string name, StreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = Strip(name);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var listener = new MemoryListener(name, options ?? StreamOptions.Default);
        if (!s_listeners.TryAdd(name, listener))
        {
            throw new StreamException("mem:" + name, "address in use (another listener has that name)");
        }

        return listener;
    }

    /// <summary>Opens a stream to the listener of <paramref name="address"/>.</summary>
    /// <exception cref="StreamException">Nobody listens on the name.</exception>
    public static StreamHead Connect(StreamAddress address, StreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Connect(address.Path!, options);
    }

    /// <summary>Opens a stream to the listener of <paramref name="name"/>.</summary>
    /// <exception cref="StreamException">Nobody listens on the name.</exception>
    public static StreamHead Connect(string name, StreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = Strip(name);
        if (!s_listeners.TryGetValue(name, out MemoryListener? listener))
        {
            throw new StreamException("mem:" + name, "connection refused (nothing listens on that name)");
        }

        (StreamHead server, StreamHead client) = StreamPipe.Create(listener.Options, options ?? StreamOptions.Default);
        server.Label = "mem:" + name;
        client.Label = "mem:" + name;
        if (!listener.Offer(server))
        {
            _ = server.AbortAsync();
            _ = client.AbortAsync();
            throw new StreamException("mem:" + name, "connection refused (the listener stopped)");
        }

        return client;
    }

    internal static void Remove(MemoryListener listener) => s_listeners.TryRemove(new KeyValuePair<string, MemoryListener>(listener.Name, listener));

    private static string Strip(string name) => name.StartsWith("mem:", StringComparison.OrdinalIgnoreCase) ? name[4..] : name;
}
