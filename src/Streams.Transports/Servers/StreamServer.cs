namespace Streams.Transports.Servers;

/// <summary>A server that accepts connections on a tcp, unix or pipe address (or serves writer sessions of a
/// <c>fifo:PATH</c> pair, <c>PATH.in</c> and <c>PATH.out</c>, one at a time) and gives each its own stream with a
/// fresh module stack (what <c>connld</c> did for a mounted pipe, socat's <c>fork</c>, inetd).</summary>
/// <remarks>
/// <code>
///   listener (tcp:127.0.0.1:9000) ──accept──▶ connection 1: head ↔ line ↔ tcp:127.0.0.1:51234 ──▶ Handler
///                                 ──accept──▶ connection 2: head ↔ line ↔ tcp:127.0.0.1:51236 ──▶ Handler
/// </code>
/// <para>Each connection is a <see cref="StreamHead"/> over a <see cref="DuplexPipeDriver"/>, served by
/// <see cref="StreamServerOptions.Handler"/>. One connection's failure — its handler throwing, its stream
/// failing (bad input a module rejects), the peer resetting it — is caught, counted and reported through
/// <see cref="ConnectionFailed"/>; the others and the accept loop go on.</para>
/// <para>At most <see cref="StreamServerOptions.MaxConnections"/> are served at once; the server stops
/// accepting while that many run. <see cref="StopAsync"/> stops gracefully: no new connections, the open ones
/// finish within a deadline, then the rest are aborted.</para>
/// <para>Thread-safety: all members may be called from any thread. <see cref="ConnectionFailed"/> is raised on a
/// connection's own thread; an exception thrown by a subscriber is ignored.</para>
/// </remarks>
public abstract class StreamServer : IAsyncDisposable
{
    private protected StreamServer()
    {
    }

    /// <summary>Raised when a connection fails or an accept fails; the server goes on.</summary>
    public event EventHandler<StreamConnectionFailedEventArgs>? ConnectionFailed;

    /// <summary>The address the server listens on: once started, the bound address (<c>tcp:127.0.0.1:0</c>
    /// becomes <c>tcp:127.0.0.1:40123</c>, <c>unix:</c> paths are made absolute).</summary>
    public abstract string Address { get; }

    /// <summary>The counters: accepted, active, completed and failed connections.</summary>
    public abstract StreamServerStatistics Statistics { get; }

    /// <summary>The streams of the connections being served now.</summary>
    public abstract IReadOnlyList<StreamHead> Connections { get; }

    /// <summary>Completes when the server has stopped (after <see cref="StopAsync"/>) and every connection has
    /// ended.</summary>
    public abstract Task Completion { get; }

    /// <summary>Creates a server; <see cref="StartAsync(CancellationToken)"/> binds and starts it.</summary>
    /// <exception cref="ArgumentException">The options are incomplete or inconsistent.</exception>
    /// <exception cref="FormatException">The address is malformed or not one a server can listen on.</exception>
    public static StreamServer Create(StreamServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        StreamAddress address = StreamAddress.Parse(options.Address);
        if (address.Scheme is not (AddressScheme.Tcp or AddressScheme.Unix or AddressScheme.Pipe or AddressScheme.Fifo))
        {
            throw new FormatException($"'{address.Text}': cannot listen on a {address.Scheme.ToString().ToLowerInvariant()}: address (use tcp:, unix:, pipe: or fifo:)");
        }

        return new ListenerStreamServer(options, address);
    }

    /// <summary>Creates and starts a server (<see cref="Create"/>, then <see cref="StartAsync(CancellationToken)"/>).</summary>
    public static async Task<StreamServer> StartAsync(StreamServerOptions options, CancellationToken cancellationToken = default)
    {
        StreamServer server = Create(options);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>Binds the address and starts accepting; returns once the server listens.</summary>
    /// <exception cref="IOException">The address is in use, or something that is not a stale socket is in the way
    /// of a unix socket.</exception>
    /// <exception cref="InvalidOperationException">The server was started already.</exception>
    public abstract Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops gracefully: stops accepting at once, lets the open connections finish within
    /// <paramref name="deadline"/>, then cancels their handlers and aborts their streams. Completes when every
    /// connection has ended. Idempotent.</summary>
    /// <param name="deadline">How long the open connections may take (<see cref="TimeSpan.Zero"/>: abort them
    /// now).</param>
    /// <param name="cancellationToken">Cancels the wait for the open connections: they are aborted at once.</param>
    public abstract Task StopAsync(TimeSpan deadline, CancellationToken cancellationToken = default);

    /// <summary>Stops at once (<see cref="StopAsync"/> with a zero deadline).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes the files the server created (a unix socket, FIFOs) at once, for a signal handler that
    /// runs just before the process dies; the server itself is not stopped.</summary>
    public abstract void RemoveFiles();

    /// <summary>Raises <see cref="ConnectionFailed"/>, ignoring a subscriber's exception.</summary>
    private protected void OnConnectionFailed(StreamConnectionFailedEventArgs failure)
    {
        try
        {
            ConnectionFailed?.Invoke(this, failure);
        }
        catch (Exception)
        {
            // A subscriber's bug must not take the server down with it.
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address} ({Statistics})";
}
