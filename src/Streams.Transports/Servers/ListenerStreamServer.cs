using System.Collections.Concurrent;
using Streams.Components;

namespace Streams.Transports.Servers;

/// <summary>The server over a <see cref="ConnectionListener"/>: an accept loop bounded by a semaphore of
/// <see cref="StreamServerOptions.MaxConnections"/> slots, one task per connection
/// (<c>ListenerStreamServer.Connection.cs</c>).</summary>
internal sealed partial class ListenerStreamServer : StreamServer
{
    private readonly StreamServerOptions _options;
    private readonly StreamAddress _address;
    private readonly StreamOptions _streamOptions;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private ConnectionListener? _listener;
    private Task? _acceptLoop;
    private Task? _stopping;
    private long _accepted;
    private long _completed;
    private long _failed;
    private int _active;
    private long _ids;

    public ListenerStreamServer(StreamServerOptions options, StreamAddress address)
    {
        _options = options;
        _address = address;
        _streamOptions = options.StreamOptions ?? StreamOptions.Default;
        // FIFO sessions share one pair of FIFOs: one at a time.
        int slots = address.Scheme == AddressScheme.Fifo ? 1 : options.MaxConnections;
        _slots = new SemaphoreSlim(slots, slots);

        // Create the stack once now, so that a bad module line is reported before the server starts.
        foreach (StreamModule module in CreateModules())
        {
            _ = module;
        }
    }

    public override string Address => _listener?.Address ?? _address.Text;

    public override StreamServerStatistics Statistics => new(Interlocked.Read(ref _accepted), Volatile.Read(ref _active), Interlocked.Read(ref _completed), Interlocked.Read(ref _failed));

    public override IReadOnlyList<StreamHead> Connections => _connections.Values.Select(c => c.Head).OfType<StreamHead>().ToArray();

    public override Task Completion => _completion.Task;

    public override void RemoveFiles() => _listener?.RemoveFiles();

    private string Owner => _options.Name ?? "listen " + Address;

    public override Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_listener is not null || _stopping is not null)
            {
                throw new InvalidOperationException($"The server {Address} was started already.");
            }

            _listener = ConnectionListener.Bind(_address, _options);
            _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public override Task StopAsync(TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_stopping is not null && deadline <= TimeSpan.Zero)
            {
                // A stop is under way: a zero deadline asks to abort what is still open now.
                _abort.Cancel();
                AbortAll();
            }

            return _stopping ??= StopCoreAsync(deadline, cancellationToken);
        }
    }

    private async Task StopCoreAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        // To the thread pool, never to the caller's SynchronizationContext (a library must not post its work there).
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        await _stopAccepting.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Task all = Task.WhenAll(_connections.Values.Select(c => c.Task ?? Task.CompletedTask));
        if (!all.IsCompleted)
        {
            try
            {
                await all.WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // Out of time: abort below.
            }

            if (!all.IsCompleted)
            {
                await _abort.CancelAsync().ConfigureAwait(false);
                AbortAll();
                await all.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        _completion.TrySetResult();
    }

    private void AbortAll()
    {
        foreach (Connection c in _connections.Values)
        {
            if (c.Head is { } head)
            {
                _ = head.AbortAsync();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken stop = _stopAccepting.Token;
        ConnectionListener listener = _listener!;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            AcceptedConnection accepted;
            try
            {
                accepted = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                _slots.Release();
                break;
            }
            catch (Exception ex)
            {
                // A failed accept (out of descriptors, a client gone before we took it) is reported; the loop goes
                // on after a pause, so that a persistent failure does not spin.
                _slots.Release();
                Interlocked.Increment(ref _failed);
                OnConnectionFailed(new StreamConnectionFailedEventArgs(Address, ex, HangupKind.None));
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            Interlocked.Increment(ref _accepted);
            Interlocked.Increment(ref _active);
            long id = Interlocked.Increment(ref _ids);
            var connection = new Connection();
            _connections[id] = connection;
            connection.Task = Task.Run(() => ServeAsync(id, connection, accepted), CancellationToken.None);
        }
    }

    private IReadOnlyList<StreamModule> CreateModules()
    {
        if (_options.Modules is { } factory)
        {
            return factory();
        }

        if (_options.ModuleLines.Count == 0)
        {
            return [];
        }

        ComponentRegistry registry = (_options.Components ?? _streamOptions.Components)!;
        return _options.ModuleLines.Select(registry.CreateModule).ToArray();
    }
}
