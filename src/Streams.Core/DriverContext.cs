namespace Streams;

/// <summary>What a driver uses to talk to its stream: put messages up, wait for room, report the end of its
/// writes, fail.</summary>
/// <remarks>Thread-safe: a driver calls it from its own I/O threads; the context enters the stream's serial
/// context itself.</remarks>
public sealed class DriverContext
{
    private readonly StreamHead _stream;
    private readonly StreamQueue _read;
    private readonly object _gate = new();
    private TaskCompletionSource? _capacity;

    internal DriverContext(StreamHead stream, StreamQueue read)
    {
        _stream = stream;
        _read = read;
    }

    /// <summary>The stream.</summary>
    public StreamHead Stream => _stream;

    /// <summary>The pool to rent messages from.</summary>
    public MessagePool Pool => _stream.Pool;

    /// <summary>Whether the read side has room for more ordinary data (a hint when called outside the serial
    /// context; <see cref="WaitForCapacityAsync"/> is exact).</summary>
    public bool CanPutUp => !_stream.IsReadSideFull(_read);

    /// <summary>Puts <paramref name="message"/> up the stream (ownership moves to the stream). Messages from one
    /// thread keep their order.</summary>
    public void PutUp(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _stream.PutUpFromDriver(_read, message);
    }

    /// <summary>Completes when the read side has room for more ordinary data.</summary>
    public ValueTask WaitForCapacityAsync(CancellationToken cancellationToken = default)
    {
        if (CanPutUp)
        {
            return default;
        }

        TaskCompletionSource tcs;
        lock (_gate)
        {
            tcs = _capacity ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _stream.Invoke(static q => q.Stream.CheckDriverCapacity(q), _read);
        return new ValueTask(tcs.Task.WaitAsync(cancellationToken));
    }

    /// <summary>Runs <paramref name="action"/> inside the serial context (for example to drain the write queue
    /// after a transport write completed).</summary>
    public void Invoke(Action<StreamQueue> action, StreamQueue queue) => _stream.Invoke(action, queue);

    /// <summary>Tells the stream that the half-close asked for by a downward hangup is done: everything written
    /// before it was sent.</summary>
    public void WritesCompleted() => _stream.OnDriverWritesCompleted();

    /// <summary>Fails the stream with an error raised by the driver.</summary>
    public void Fail(Exception error) => _stream.Invoke(static (q, e) => q.Stream.FailFrom(q, e), _read, error);

    internal void SignalCapacity()
    {
        TaskCompletionSource? tcs;
        lock (_gate)
        {
            tcs = _capacity;
            _capacity = null;
        }

        tcs?.TrySetResult();
    }
}
