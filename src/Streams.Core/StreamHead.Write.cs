namespace Streams;

public sealed partial class StreamHead
{
    private readonly Queue<TaskCompletionSource?> _writers = new();
    private bool _writesClosed;

    /// <summary>Sends <paramref name="message"/> down the stream. Completes at once unless flow control holds it
    /// back, in which case it completes when the message has been passed on.</summary>
    /// <remarks>Ownership of the message moves to the stream, also when the call throws. Cancelling a pending
    /// write stops the wait, not the write: the message stays queued in order.</remarks>
    /// <exception cref="StreamException">The stream failed.</exception>
    /// <exception cref="InvalidOperationException">The write side was completed or the stream closed.</exception>
    public ValueTask WriteAsync(Message message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_context.TryEnter())
        {
            bool done;
            try
            {
                done = TryWriteInside(message);
            }
            finally
            {
                _context.Exit();
            }

            if (done)
            {
                return default;
            }

            return WriteQueuedAsync(message, cancellationToken);
        }

        return WriteSlowAsync(message, cancellationToken);
    }

    /// <summary>Copies <paramref name="data"/> into a message and sends it down.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        => WriteAsync(Pool.Data(data.Span), cancellationToken);

    /// <summary>Sends <paramref name="text"/> as one UTF-8 message.</summary>
    public ValueTask WriteAsync(string text, CancellationToken cancellationToken = default)
        => WriteAsync(Pool.Data(text), cancellationToken);

    /// <summary>Finishes the write side (a half-close): a hangup travels down behind the data already written;
    /// the driver shuts down sending and the stream goes on reading until the far end finishes.</summary>
    public ValueTask CompleteWritesAsync(CancellationToken cancellationToken = default)
    {
        return new ValueTask(InvokeAsync(static h => h.CompleteWritesInside()).WaitAsync(cancellationToken));
    }

    private void CompleteWritesInside()
    {
        if (_writesClosed || _closed)
        {
            return;
        }

        _writesClosed = true;
        Message hangup = Pool.Hangup(HangupKind.LocalClose);
        if (_headWrite.Count > 0)
        {
            _headWrite.Enqueue(hangup);
            _writers.Enqueue(null);
        }
        else
        {
            _headWrite.PutNext(hangup);
        }
    }

    // Inside the context. True when the message was passed on (or released because the stream is dead and the
    // exception thrown).
    private bool TryWriteInside(Message message)
    {
        if (_error is not null || _closed || _writesClosed)
        {
            message.Release();
            ThrowWriteClosed();
        }

        if (_headWrite.Count == 0 && (!message.IsFlowControlled || _headWrite.CanPutNext()))
        {
            _headWrite.PutNext(message);
            return true;
        }

        return false;
    }

    private void ThrowWriteClosed()
    {
        if (_error is not null)
        {
            throw _error;
        }

        throw new InvalidOperationException(_closed ? "The stream is closed." : "The write side of the stream was completed.");
    }

    private ValueTask WriteQueuedAsync(Message message, CancellationToken cancellationToken)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Invoke(
            static (q, state) =>
            {
                StreamHead h = q.Stream;
                if (h._error is not null || h._closed)
                {
                    state.Message.Release();
                    state.Tcs.TrySetException(h._error ?? (Exception)new InvalidOperationException("The stream is closed."));
                    return;
                }

                if (h._headWrite.Count == 0 && (!state.Message.IsFlowControlled || h._headWrite.CanPutNext()))
                {
                    h._headWrite.PutNext(state.Message);
                    state.Tcs.TrySetResult();
                    return;
                }

                h._headWrite.Enqueue(state.Message);
                h._writers.Enqueue(state.Tcs);
            },
            _headWrite,
            (Message: message, Tcs: tcs));
        return new ValueTask(cancellationToken.CanBeCanceled ? tcs.Task.WaitAsync(cancellationToken) : tcs.Task);
    }

    private ValueTask WriteSlowAsync(Message message, CancellationToken cancellationToken)
    {
        if (_error is not null || _closed || _writesClosed)
        {
            message.Release();
            ThrowWriteClosed();
        }

        return WriteQueuedAsync(message, cancellationToken);
    }

    // The head's write service: back-enabled when the queue below drained.
    internal void OnHeadService(StreamQueue queue)
    {
        if (queue != _headWrite)
        {
            return;
        }

        while (_headWrite.TryPeek(out Message? m))
        {
            if (m.IsFlowControlled && !_headWrite.CanPutNext())
            {
                return;
            }

            _headWrite.TryDequeue(out m);
            TaskCompletionSource? writer = _writers.Count > 0 ? _writers.Dequeue() : null;
            _headWrite.PutNext(m);
            writer?.TrySetResult();
        }
    }

    private void FailWriters(Exception error)
    {
        while (_headWrite.TryDequeue(out Message? m))
        {
            m.Release();
        }

        while (_writers.TryDequeue(out TaskCompletionSource? w))
        {
            w?.TrySetException(error);
        }
    }
}
