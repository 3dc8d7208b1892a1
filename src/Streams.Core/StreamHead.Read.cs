using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Streams;

public sealed partial class StreamHead
{
    private readonly object _readLock = new();
    private readonly Queue<Message> _readList = new();

    // Messages that reached the top during this turn in the context, handed to the reader under one lock when the
    // context is released (PublishDelivered): a framer that cuts a socket read into 600 frames takes the reader's
    // lock once, not 600 times. Touched only inside the context.
    private readonly List<Message> _delivered = [];
    private readonly ReadWaiter _readWaiter = new();
    private long _readCredit;
    private int _creditPosted;
    private bool _wakeReader;
    private bool _readEnded;
    private Message? _current;
    private WorkItem? _creditItem;
    private const long DriverPostedBudget = 64 * 1024;
    private long _driverPosted;

    /// <summary>Reads the next message. Returns null at the end of the stream (after a hangup, or after a local
    /// close), once every message before the end was read.</summary>
    /// <remarks>The caller owns the message and must pass it on or release it. One read may be pending at a
    /// time.</remarks>
    /// <exception cref="StreamException">The stream failed; names the component.</exception>
    public ValueTask<Message?> ReadAsync(CancellationToken cancellationToken = default)
    {
        lock (_readLock)
        {
            if (TryTakeLocked(out Message? message, out bool end))
            {
                return new ValueTask<Message?>(message);
            }

            if (end)
            {
                return default;
            }

            if (_error is not null)
            {
                return ValueTask.FromException<Message?>(_error);
            }

            if (_readWaiter.Pending)
            {
                ThrowHelper.ThrowConcurrentRead();
            }

            _readWaiter.Arm(cancellationToken, this);
            return new ValueTask<Message?>(_readWaiter, _readWaiter.Version);
        }
    }

    /// <summary>Takes the next message if one is waiting, without waiting.</summary>
    /// <returns>True with a message; false when none is waiting or the stream has ended.</returns>
    public bool TryRead(out Message? message)
    {
        lock (_readLock)
        {
            if (_error is not null && _readList.Count == 0)
            {
                throw _error;
            }

            return TryTakeLocked(out message, out _);
        }
    }

    /// <summary>Takes up to <paramref name="messages"/>.Length of the messages waiting, in order, without waiting
    /// and under one lock (a reader that drains bursts pays the lock once per burst, not per message).</summary>
    /// <returns>How many were taken; 0 when none is waiting or the stream has ended.</returns>
    /// <remarks>The caller owns every message taken.</remarks>
    /// <exception cref="StreamException">The stream failed and nothing read before the failure is left.</exception>
    public int TryRead(Span<Message> messages)
    {
        lock (_readLock)
        {
            if (_error is not null && _readList.Count == 0)
            {
                throw _error;
            }

            int n = 0;
            while (n < messages.Length && TryTakeLocked(out Message? m, out _))
            {
                messages[n++] = m!;
            }

            return n;
        }
    }

    /// <summary>Reads messages until the end of the stream.</summary>
    /// <remarks>Each message yielded belongs to the caller.</remarks>
    public async IAsyncEnumerable<Message> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } message)
        {
            yield return message;
        }
    }

    /// <summary>Reads bytes into <paramref name="buffer"/> according to <see cref="ReadMode"/>. Returns 0 at the end
    /// of the stream. Non-data messages (controls, flushes) are never seen here; protocol information is
    /// dropped.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        int total = 0;
        while (total < buffer.Length)
        {
            Message? m = _current;
            _current = null;
            if (m is null)
            {
                if (total > 0)
                {
                    if (!TryRead(out m) || m is null)
                    {
                        break;
                    }
                }
                else
                {
                    m = await ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (m is null)
                    {
                        return 0;
                    }
                }
            }

            int n = Math.Min(m.Length, buffer.Length - total);
            m.Span[..n].CopyTo(buffer.Span[total..]);
            total += n;
            if (n < m.Length)
            {
                m.TrimStart(n);
                _current = m;
                break;
            }

            m.Release();
            if (ReadMode == ReadMode.Message)
            {
                break;
            }
        }

        return total;
    }

    // Inside the serial context: a message reached the top of the read side.
    internal void Deliver(StreamQueue queue, Message message)
    {
        if (_closed && message.Kind is not (MessageKind.Ack or MessageKind.Nak))
        {
            message.Release();
            return;
        }

        switch (message.Kind)
        {
            case MessageKind.Data or MessageKind.Proto:
                if (_closed || _error is not null)
                {
                    message.Release();
                    return;
                }

                _delivered.Add(message);
                queue.ForceAccounting(message.Length - Interlocked.Exchange(ref _readCredit, 0));
                _wakeReader = true;
                return;
            case MessageKind.Hangup:
                SetEndReason(message.Hangup == HangupKind.None ? HangupKind.PeerClosed : message.Hangup);
                if (_error is not null)
                {
                    // Reads already end with the error: nothing will take this hangup off the list.
                    message.Release();
                    return;
                }

                _delivered.Add(message);
                _wakeReader = true;
                return;
            case MessageKind.Error:
                FailFrom(null, StreamException.Wrap(message.Origin ?? "stream", message.Error ?? new IOException("unknown error")));
                message.Release();
                return;
            case MessageKind.Ack or MessageKind.Nak:
                CompleteControl(message);
                return;
            case MessageKind.Flush:
                FlushReadList();
                message.Release();
                return;
            default:
                message.Release();
                return;
        }
    }

    // Called by the serial context before it is released: what reached the top during this turn goes to the
    // reader. Nothing is accounted here (the context runs no more services after this), only handed over.
    internal void PublishDelivered()
    {
        if (_delivered.Count == 0)
        {
            return;
        }

        lock (_readLock)
        {
            foreach (Message m in _delivered)
            {
                _readList.Enqueue(m);
            }
        }

        _delivered.Clear();
    }

    // Called by the serial context after it is released: wake the reader outside the context.
    internal void FireWakeups()
    {
        if (_wakeReader)
        {
            _wakeReader = false;
            WakeReader();
        }
    }

    internal bool IsReadSideFull(StreamQueue driverRead)
    {
        if (Volatile.Read(ref _driverPosted) >= DriverPostedBudget)
        {
            return true;
        }

        StreamQueue? q = driverRead.Next;
        while (q is not null && !q.HasService)
        {
            q = q.Next;
        }

        return q is not null && q.IsFull;
    }

    private void WakeReader()
    {
        Message? message;
        bool end;
        Exception? error;
        lock (_readLock)
        {
            if (!_readWaiter.Pending)
            {
                return;
            }

            error = null;
            if (!TryTakeLocked(out message, out end))
            {
                if (!end && _error is null)
                {
                    return;
                }

                error = end ? null : _error;
            }

            _readWaiter.Pending = false;
        }

        if (error is not null)
        {
            _readWaiter.SetException(error);
        }
        else
        {
            _readWaiter.SetResult(message);
        }
    }

    // Under _readLock.
    private bool TryTakeLocked(out Message? message, out bool end)
    {
        end = false;
        message = null;
        if (_readEnded)
        {
            end = true;
            return false;
        }

        if (_error is not null)
        {
            return false;
        }

        if (!_readList.TryPeek(out Message? m))
        {
            if (_closed)
            {
                end = true;
            }

            return false;
        }

        if (m.Kind == MessageKind.Hangup)
        {
            _readEnded = true;
            end = true;
            return false;
        }

        _readList.Dequeue();
        message = m;
        Interlocked.Add(ref _readCredit, m.Length);
        if (_headRead.IsFull && Interlocked.Exchange(ref _creditPosted, 1) == 0)
        {
            _creditItem ??= new ActionWorkItem(static q => q.Stream.ApplyReadCredit(), _headRead);
            _context.Post(_creditItem);
        }

        return true;
    }

    private void ApplyReadCredit()
    {
        Volatile.Write(ref _creditPosted, 0);
        _headRead.ForceAccounting(-Interlocked.Exchange(ref _readCredit, 0));
    }

    private void FlushReadList()
    {
        PublishDelivered();
        lock (_readLock)
        {
            int n = _readList.Count;
            for (int i = 0; i < n; i++)
            {
                Message m = _readList.Dequeue();
                if (m.Kind == MessageKind.Hangup)
                {
                    _readList.Enqueue(m);
                }
                else
                {
                    Interlocked.Add(ref _readCredit, m.Length);
                    m.Release();
                }
            }
        }

        _headRead.ForceAccounting(-Interlocked.Exchange(ref _readCredit, 0));
    }

    private void ReleaseReadList()
    {
        foreach (Message m in _delivered)
        {
            m.Release();
        }

        _delivered.Clear();
        lock (_readLock)
        {
            while (_readList.TryDequeue(out Message? m))
            {
                m.Release();
            }
        }
    }

    private sealed class ReadWaiter : IValueTaskSource<Message?>
    {
        private ManualResetValueTaskSourceCore<Message?> _core;
        private CancellationTokenRegistration _registration;

        public bool Pending { get; set; }

        public short Version => _core.Version;

        public void Arm(CancellationToken cancellationToken, StreamHead head)
        {
            _core.Reset();
            Pending = true;
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.UnsafeRegister(
                    static (state, token) =>
                    {
                        var h = (StreamHead)state!;
                        lock (h._readLock)
                        {
                            if (!h._readWaiter.Pending)
                            {
                                return;
                            }

                            h._readWaiter.Pending = false;
                        }

                        h._readWaiter.SetException(new OperationCanceledException(token));
                    },
                    head);
            }
        }

        public void SetResult(Message? message)
        {
            _registration.Dispose();
            _core.SetResult(message);
        }

        public void SetException(Exception error)
        {
            _registration.Dispose();
            _core.SetException(error);
        }

        public Message? GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }
}
