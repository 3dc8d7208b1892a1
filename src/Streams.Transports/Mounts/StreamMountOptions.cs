using Streams.Components;
using Streams.Transports.Servers;

namespace Streams.Transports.Mounts;

/// <summary>What a <see cref="StreamMount"/> creates at its path and what each connection gets. Every property
/// has a documented default.</summary>
public sealed class StreamMountOptions
{
    /// <summary>The path: a unix socket is created there, or with <see cref="Fifo"/> the FIFOs
    /// <c>PATH.in</c> and <c>PATH.out</c>. Required.</summary>
    public required string Path { get; init; }

    /// <summary>Create FIFOs <c>PATH.in</c> and <c>PATH.out</c> instead of a socket (default false).</summary>
    public bool Fifo { get; init; }

    /// <summary>The file mode of what is created (default 0600: the owner only).</summary>
    public UnixFileMode Mode { get; init; } = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Runs one connection (see <see cref="StreamServerOptions.Handler"/>). Required.</summary>
    public required Func<StreamHead, CancellationToken, Task> Handler { get; init; }

    /// <summary>Creates a fresh module stack per connection, from the head down (default: none).</summary>
    public Func<IReadOnlyList<StreamModule>>? Modules { get; init; }

    /// <summary>Module lines created from <see cref="Components"/> per connection (default: none).</summary>
    public IReadOnlyList<string> ModuleLines { get; init; } = [];

    /// <summary>The registry for <see cref="ModuleLines"/> (default: none).</summary>
    public ComponentRegistry? Components { get; init; }

    /// <summary>The options of each connection's stream (default <see cref="Streams.StreamOptions.Default"/>).</summary>
    public StreamOptions? StreamOptions { get; init; }

    /// <summary>The most connections at once on a socket mount (default 1024; a FIFO mount serves one session
    /// at a time).</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>Remove the files when the process is ended by SIGTERM, SIGHUP or an unhandled SIGINT (default
    /// true).</summary>
    public bool RemoveOnSignals { get; init; } = true;
}
