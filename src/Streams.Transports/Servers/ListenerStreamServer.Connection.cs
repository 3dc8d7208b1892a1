namespace Streams.Transports.Servers;

internal sealed partial class ListenerStreamServer
{
    // Runs one connection to its end; never throws: whatever goes wrong is this connection's failure alone.
    private async Task ServeAsync(long id, Connection connection, AcceptedConnection accepted)
    {
        CancellationToken abort = _abort.Token;
        StreamHead? head = null;
        IDisposable? registration = null;
        Exception? failure = null;
        try
        {
            IReadOnlyList<StreamModule> modules;
            try
            {
                modules = CreateModules();
            }
            catch
            {
                // The connection still needs a stream, so that the failure path closes its socket.
                head = StreamHead.Open(accepted.Driver, _streamOptions);
                throw;
            }

            // The modules (listed from the head down) are in place before the driver reads: the peer's first
            // bytes (a TLS ClientHello, a first line) must go through them, never past them.
            head = StreamHead.Open(accepted.Driver, modules, _streamOptions);
            head.Label = accepted.Name;
            connection.Head = head;
            if (_options.RegisterStreams)
            {
                registration = LiveStreams.Register(head, Owner);
            }

            if (abort.IsCancellationRequested)
            {
                // Stopped before the handler could start: the stop's abort may have missed this head.
                throw new OperationCanceledException(abort);
            }

            await _options.Handler(head, abort).ConfigureAwait(false);
            await head.CloseAsync(cancellationToken: abort).ConfigureAwait(false);
            failure = head.Error ?? (head.EndReason == HangupKind.Reset ? new IOException($"{accepted.Name}: connection reset by peer") : null);
        }
        catch (Exception ex)
        {
            failure = head?.Error
                ?? (abort.IsCancellationRequested && ex is OperationCanceledException or StreamException
                    ? new TimeoutException($"{accepted.Name}: aborted: the server stopped and the connection did not end within the deadline", ex)
                    : ex);
        }
        finally
        {
            if (head is not null && failure is not null)
            {
                await head.AbortAsync().ConfigureAwait(false);
            }

            registration?.Dispose();
            _connections.TryRemove(id, out _);
            Interlocked.Increment(ref failure is null ? ref _completed : ref _failed);
            Interlocked.Decrement(ref _active);
            _slots.Release();
        }

        if (failure is not null)
        {
            OnConnectionFailed(new StreamConnectionFailedEventArgs(accepted.Name, failure, head?.EndReason ?? HangupKind.None));
        }
    }

    private sealed class Connection
    {
        public StreamHead? Head { get; set; }

        public Task? Task { get; set; }
    }
}
