using System.Runtime.InteropServices;
using Streams.Transports.Servers;

namespace Streams.Transports.Mounts;

/// <summary>A stream mounted on a file path, so that unmodified programs reach it: a unix socket at the path
/// (each program that connects gets a fresh stream with its own module stack), or FIFOs <c>PATH.in</c> and
/// <c>PATH.out</c> for programs that only know open(2) (<c>echo hi &gt; PATH.in</c>, <c>cat PATH.out</c>).</summary>
/// <remarks>
/// <para>What is created has mode 0600 unless told otherwise. The mount refuses to replace anything at the path
/// but a stale socket (one nobody listens on) or stale FIFOs (a <c>PATH.in</c> nobody reads), and removes what it
/// created when it stops — also when the process is ended by SIGTERM, SIGHUP or SIGINT that nobody handles
/// (<see cref="StreamMountOptions.RemoveOnSignals"/>). A file removed that way is only removed if it is still the
/// one the mount created.</para>
/// <para>A mount is a <see cref="StreamServer"/> on <c>unix:PATH</c> or <c>fifo:PATH</c>: statistics, failures
/// and stopping are the server's.</para>
/// </remarks>
public sealed class StreamMount : IAsyncDisposable
{
    private readonly PosixSignalRegistration?[] _signals;

    private StreamMount(StreamServer server, IReadOnlyList<string> paths, bool removeOnSignals)
    {
        Server = server;
        Paths = paths;
        _signals = removeOnSignals && !OperatingSystem.IsWindows()
            ? [Register(PosixSignal.SIGTERM), Register(PosixSignal.SIGHUP), Register(PosixSignal.SIGINT)]
            : [];
    }

    /// <summary>The server behind the mount.</summary>
    public StreamServer Server { get; }

    /// <summary>The files the mount created: the socket, or <c>PATH.in</c> and <c>PATH.out</c>.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>Creates the socket or FIFOs and starts serving.</summary>
    /// <exception cref="IOException">Something that is not stale is at the path, or it cannot be created.</exception>
    public static async Task<StreamMount> StartAsync(StreamMountOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        string path = System.IO.Path.GetFullPath(options.Path);
        StreamServer server = StreamServer.Create(new StreamServerOptions
        {
            Address = (options.Fifo ? "fifo:" : "unix:") + path,
            Handler = options.Handler,
            Modules = options.Modules,
            ModuleLines = options.ModuleLines,
            Components = options.Components,
            StreamOptions = options.StreamOptions,
            MaxConnections = options.MaxConnections,
            SocketMode = options.Mode,
            Name = "mount " + path,
        });
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return new StreamMount(server, options.Fifo ? [path + ".in", path + ".out"] : [path], options.RemoveOnSignals);
    }

    /// <summary>Stops serving (gracefully, see <see cref="StreamServer.StopAsync"/>) and removes the files.</summary>
    public async Task StopAsync(TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        foreach (PosixSignalRegistration? s in _signals)
        {
            s?.Dispose();
        }

        await Server.StopAsync(deadline, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops at once and removes the files.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.Zero).ConfigureAwait(false);

    private PosixSignalRegistration? Register(PosixSignal signal)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, context =>
            {
                // Handlers run in the order they were registered and share the context: when an earlier one (the
                // shell's Ctrl-C) cancelled the default action the process lives on and the mount stops through
                // its own cancellation; otherwise the process is about to die, so remove the files now.
                if (!context.Cancel)
                {
                    Server.RemoveFiles();
                }
            });
        }
        catch (Exception ex) when (ex is PlatformNotSupportedException or IOException)
        {
            return null;
        }
    }
}
