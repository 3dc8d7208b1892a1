namespace Streams.Transports.Servers;

/// <summary>A connection just accepted: its name and the driver that owns it (and frees it when its stream
/// stops).</summary>
internal sealed record AcceptedConnection(string Name, StreamDriver Driver);

/// <summary>The listening end of a server: binds at creation, then accepts one connection at a time.</summary>
internal abstract class ConnectionListener : IAsyncDisposable
{
    /// <summary>The bound address, with the real port of an ephemeral tcp port.</summary>
    public abstract string Address { get; }

    /// <summary>Waits for the next connection.</summary>
    public abstract ValueTask<AcceptedConnection> AcceptAsync(CancellationToken cancellationToken);

    /// <summary>Stops listening and removes what the listener created (a socket file).</summary>
    public abstract ValueTask DisposeAsync();

    /// <summary>Removes the files the listener created, at once (from a signal handler, before the process
    /// dies); the listener may go on serving until disposed.</summary>
    public virtual void RemoveFiles()
    {
    }

    /// <summary>Binds <paramref name="address"/>.</summary>
    /// <exception cref="FormatException">The address is malformed or cannot be listened on.</exception>
    /// <exception cref="IOException">The address is in use, or a file that is not a stale socket is in the
    /// way.</exception>
    public static ConnectionListener Bind(StreamAddress address, StreamServerOptions options) => address.Scheme switch
    {
        AddressScheme.Tcp => SocketListener.BindTcp(address, options),
        AddressScheme.Unix => SocketListener.BindUnix(address, options),
        AddressScheme.Pipe => new NamedPipeListener(address),
        AddressScheme.Fifo => FifoListener.Create(address, options),
        _ => throw new FormatException($"'{address.Text}': cannot listen on a {address.Scheme.ToString().ToLowerInvariant()}: address (use tcp:, unix:, pipe: or fifo:)"),
    };
}
