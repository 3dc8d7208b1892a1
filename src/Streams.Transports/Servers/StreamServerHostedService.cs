using Microsoft.Extensions.Hosting;

namespace Streams.Transports.Servers;

/// <summary>Runs a <see cref="StreamServer"/> as a hosted service: the host's start binds and starts it, the
/// host's stop stops it gracefully within <see cref="StopDeadline"/> (or the host's shutdown timeout, whichever
/// ends first).</summary>
/// <example>
/// <code>
/// builder.Services.AddSingleton&lt;IHostedService&gt;(new StreamServerHostedService(new StreamServerOptions
/// {
///     Address = "tcp:127.0.0.1:9000",
///     Modules = () =&gt; [new LineModule()],
///     Handler = async (stream, ct) =&gt; { await foreach (Message m in stream.ReadAllAsync(ct)) await stream.WriteAsync(m, ct); },
/// }));
/// </code>
/// </example>
public sealed class StreamServerHostedService : IHostedService, IAsyncDisposable
{
    /// <summary>Creates the service and its server (not started yet).</summary>
    /// <param name="options">The server's options.</param>
    /// <param name="stopDeadline">How long open connections may take to finish at stop (default 10 s).</param>
    public StreamServerHostedService(StreamServerOptions options, TimeSpan? stopDeadline = null)
    {
        Server = StreamServer.Create(options);
        StopDeadline = stopDeadline ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>The server.</summary>
    public StreamServer Server { get; }

    /// <summary>How long open connections may take to finish when the host stops.</summary>
    public TimeSpan StopDeadline { get; }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Server.StartAsync(cancellationToken);

    /// <inheritdoc />
    /// <remarks>When <paramref name="cancellationToken"/> fires (the host's shutdown timeout) the open connections
    /// are aborted at once.</remarks>
    public Task StopAsync(CancellationToken cancellationToken) => Server.StopAsync(StopDeadline, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
