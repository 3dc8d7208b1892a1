using Streams.Components;

namespace Streams.Transports.Servers;

/// <summary>What a <see cref="StreamServer"/> listens on, what each connection gets, and its limits. Every
/// property has a documented default.</summary>
/// <remarks>
/// <para>Each accepted connection gets its own <see cref="StreamHead"/> over a <see cref="DuplexPipeDriver"/>
/// with a fresh module stack: <see cref="Modules"/> is called once per connection, or else each of
/// <see cref="ModuleLines"/> is created from <see cref="Components"/>. Modules are listed from the head down to
/// the driver, as <c>-m line -m gzip</c> writes line → gzip → socket.</para>
/// </remarks>
public sealed class StreamServerOptions
{
    /// <summary>The address to listen on: <c>tcp:HOST:PORT</c> (port 0 for an ephemeral port, an empty host or
    /// <c>*</c> for every interface), <c>unix:PATH</c>, <c>pipe:NAME</c>, or <c>fifo:PATH</c> (FIFOs <c>PATH.in</c> and
    /// <c>PATH.out</c> are created; each writer session of <c>PATH.in</c> is a connection, one at a time, and what
    /// comes up is written to <c>PATH.out</c>). Required.</summary>
    /// <remarks>A unix socket or FIFO is created by the server and removed when it stops; the server refuses to
    /// replace anything at the path but a stale socket (a socket nobody listens on) or stale FIFOs.</remarks>
    public required string Address { get; init; }

    /// <summary>Runs one connection: reads and writes its stream until the conversation is over. Required.</summary>
    /// <remarks>The server owns the stream: when the handler returns it closes the stream (draining what was
    /// written, at most <see cref="StreamOptions.CloseTimeout"/>); when it throws, the stream is aborted and the
    /// failure reported. The token is cancelled when a graceful stop runs out of time.</remarks>
    public required Func<StreamHead, CancellationToken, Task> Handler { get; init; }

    /// <summary>Creates a fresh module stack for one connection, from the head down (default: none; then
    /// <see cref="ModuleLines"/>).</summary>
    public Func<IReadOnlyList<StreamModule>>? Modules { get; init; }

    /// <summary>Module lines such as <c>line --max 4K</c>, from the head down, created from
    /// <see cref="Components"/> for each connection (default: none).</summary>
    public IReadOnlyList<string> ModuleLines { get; init; } = [];

    /// <summary>The registry that creates <see cref="ModuleLines"/> (default: <see cref="StreamOptions"/>'s
    /// registry).</summary>
    public ComponentRegistry? Components { get; init; }

    /// <summary>The options of each connection's stream (default <see cref="Streams.StreamOptions.Default"/>).</summary>
    public StreamOptions? StreamOptions { get; init; }

    /// <summary>The most connections served at once (default 1024); further connections wait in the listen
    /// backlog until one ends.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>The listen backlog of tcp and unix sockets (default 512).</summary>
    public int Backlog { get; init; } = 512;

    /// <summary>The file mode of a unix socket or of FIFOs (default null: what the umask gives for a socket,
    /// 0600 for FIFOs; a mount uses 0600).</summary>
    public UnixFileMode? SocketMode { get; init; }

    /// <summary>A name for tools (<c>stack</c>) and messages (default: the address).</summary>
    public string? Name { get; init; }

    /// <summary>Whether each connection is listed in <see cref="LiveStreams"/> while it runs (default true).</summary>
    public bool RegisterStreams { get; init; } = true;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Address);
        ArgumentNullException.ThrowIfNull(Handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Backlog, 1);
        if (ModuleLines.Count > 0 && Modules is not null)
        {
            throw new ArgumentException("Give Modules or ModuleLines, not both.");
        }

        if (ModuleLines.Count > 0 && (Components ?? StreamOptions?.Components) is null)
        {
            throw new ArgumentException("ModuleLines need a component registry (Components).");
        }
    }
}
