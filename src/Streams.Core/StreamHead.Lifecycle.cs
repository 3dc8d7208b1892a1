namespace Streams;

public sealed partial class StreamHead
{
    private readonly TaskCompletionSource _writesCompleted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HangupKind _endReason;
    private StreamException? _error;
    private bool _closed;
    private int _stopping;

    /// <summary>Completes when the driver has sent everything written before the write side was completed.</summary>
    public Task WritesCompleted => _writesCompleted.Task;

    /// <summary>Completes when the stream has been torn down (closed, aborted or failed and stopped), its driver has
    /// stopped, and what was posted into the stream's context before then has run: no message of the stream is
    /// still on its way anywhere.</summary>
    public Task Completion => _stopped.Task;

    /// <summary>Closes the stream: completes the write side, waits for it to drain (at most
    /// <paramref name="drainTimeout"/>, default <see cref="StreamOptions.CloseTimeout"/>), then tears down the
    /// modules and the driver. Reads end; queued messages are released.</summary>
    public async Task CloseAsync(TimeSpan? drainTimeout = null, CancellationToken cancellationToken = default)
    {
        if (_error is null && !_closed)
        {
            await CompleteWritesAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _writesCompleted.Task.WaitAsync(drainTimeout ?? Options.CloseTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await TearDownAsync(HangupKind.Aborted, abort: true).ConfigureAwait(false);
                return;
            }
        }

        await TearDownAsync(HangupKind.LocalClose, abort: false).ConfigureAwait(false);
    }

    /// <summary>Tears the stream down at once: queued data is discarded, pending operations fail.</summary>
    public Task AbortAsync() => TearDownAsync(HangupKind.Aborted, abort: true);

    /// <summary>Closes the stream (<see cref="CloseAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);

    // Inside the context (or from the driver context): the module or driver of queue failed.
    internal void FailFrom(StreamQueue? queue, Exception error)
    {
        if (_error is not null || _closed)
        {
            return;
        }

        _error = StreamException.Wrap(queue?.Name ?? "stream", error);
        SetEndReason(HangupKind.Error);
        FailWriters(_error);
        FailControls(_error);
        ReleaseReadList();
        _wakeReader = true;
        _writesCompleted.TrySetResult();
        foreach ((StreamQueue w, StreamQueue r) in _queues.Values)
        {
            w.Flush();
            r.Flush();
        }

        _driverWrite.Flush();
        _ = StopDriverAsync(abort: true);
    }

    internal bool IsTornDown => _closed;

    internal void OnDriverWritesCompleted() => _writesCompleted.TrySetResult();

    internal void OnDriverReadEnabled(StreamQueue queue)
    {
        Driver.OnReadEnabled(queue);
        _driverContext.SignalCapacity();
    }

    internal void CheckDriverCapacity(StreamQueue driverRead)
    {
        if (driverRead.CanPutNext())
        {
            _driverContext.SignalCapacity();
        }
    }

    internal void PutUpFromDriver(StreamQueue driverRead, Message message)
    {
        if (_context.TryEnter())
        {
            try
            {
                driverRead.PutNext(message);
            }
            finally
            {
                _context.Exit();
            }
        }
        else
        {
            // Handed to the thread inside. Until it has run it is not counted by the queues, so the driver is told
            // the read side is full (IsReadSideFull) once 64 KiB is so in transit: a driver whose stream is busy on
            // another thread waits for what it handed over to be counted instead of handing over its whole buffer.
            Interlocked.Add(ref _driverPosted, message.Length + 1L);
            _context.Post(new ActionWorkItem<Message>(s_putPostedUp, driverRead, message));
        }
    }

    private static readonly Action<StreamQueue, Message> s_putPostedUp = static (q, m) =>
    {
        Interlocked.Add(ref q.Stream._driverPosted, -(m.Length + 1L));
        q.PutNext(m);
    };

    private void SetEndReason(HangupKind reason)
    {
        if (_endReason == HangupKind.None)
        {
            _endReason = reason;
        }
    }

    private async Task TearDownAsync(HangupKind reason, bool abort)
    {
        await InvokeAsync(h =>
        {
            if (h._closed)
            {
                return;
            }

            h.SetEndReason(reason);
            if (abort && h._error is null)
            {
                var error = new StreamException("head", "the stream was aborted");
                h.FailWriters(error);
                h.FailControls(error);
            }
            else
            {
                h.FailWriters(new InvalidOperationException("The stream is closed."));
                h.FailControls(new InvalidOperationException("The stream is closed."));
            }

            h._closed = true;
            for (int i = 0; i < h._modules.Count; i++)
            {
                StreamModule module = h._modules[i];
                (StreamQueue w, StreamQueue r) = h._queues[module];
                try
                {
                    module.OnPopped(w, r);
                }
                catch (Exception)
                {
                    // Closing: a module that fails while leaving must not stop the others from leaving.
                }

                w.Flush();
                r.Flush();
                w.Detached = true;
                r.Detached = true;
            }

            h._driverWrite.Flush();
            h.ReleaseReadList();
            h._wakeReader = true;
            h._writesCompleted.TrySetResult();
        }).ConfigureAwait(false);
        await StopDriverAsync(abort).ConfigureAwait(false);
    }

    private async Task StopDriverAsync(bool abort)
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            await _stopped.Task.ConfigureAwait(false);
            return;
        }

        // Never stop the driver from inside the serial context: its teardown may wait for its own I/O threads.
        // To the thread pool, never to the caller's SynchronizationContext (a library must not post its work there).
        await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        try
        {
            await Driver.StopAsync(abort).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The transport is being torn down; its own failure to close changes nothing for the user.
        }

        try
        {
            // What the driver's threads (or a stream sharing this context) posted into the context before the
            // driver stopped runs before the stream counts as completed: a message they rented is released by then
            // (a torn-down queue releases what reaches it), so Completion means no message of this stream is
            // still on its way anywhere. The context runs posted work in order, so one more turn is enough.
            await InvokeAsync(static _ => { }).ConfigureAwait(false);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }
}
