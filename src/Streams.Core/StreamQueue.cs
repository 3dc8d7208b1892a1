using System.Diagnostics;

namespace Streams;

/// <summary>One half of a module (or of the head or the driver): its put entry, its local message queue with high
/// and low water marks, and the operations a module uses — <see cref="PutNext"/>, <see cref="Reply"/>,
/// <see cref="CanPutNext()"/>, <see cref="Enqueue"/>, <see cref="TryDequeue"/>.</summary>
/// <remarks>
/// <para>All queue operations run inside the stream's serial context (a module's put or service, or
/// <see cref="Invoke"/>): a queue needs no locks and must not be used from another thread.</para>
/// <para><b>Flow control.</b> A sender checks <see cref="CanPutNext()"/> before it puts ordinary data: it looks
/// past modules without a service procedure to the next queue that holds messages; when that queue is full the
/// sender queues locally (<see cref="Enqueue"/>) and stops, and when that queue drains below its low mark the
/// nearest queue upstream with a service procedure is back-enabled and its service runs. Control, flush, hangup,
/// error and high-band messages are never held back.</para>
/// <para><b>Ownership.</b> <see cref="PutNext"/>, <see cref="Reply"/> and <see cref="Enqueue"/> take the message;
/// <see cref="TryDequeue"/> gives it to the caller.</para>
/// </remarks>
[DebuggerDisplay("{Name,nq} {Side} queued={Count} bytes={Bytes} full={IsFull}")]
public sealed partial class StreamQueue
{
    private readonly Queue<Message> _normal = new();
    private List<Message>? _priority;
    private long _messagesIn;
    private long _bytesIn;
    private long _highWaterHits;
    private bool _full;
    private bool _wantWrite;
    internal bool _serviceScheduled;

    internal StreamQueue(StreamHead stream, QueueSide side, QueueRole role, StreamModule? module, StreamDriver? driver, StreamQueueLimits limits)
    {
        Stream = stream;
        Side = side;
        Role = role;
        Module = module;
        Driver = driver;
        HighWater = limits.HighWater;
        LowWater = limits.LowWater;
        HasService = role != QueueRole.Module || (side == QueueSide.Write ? module!.HasWriteService : module!.HasReadService);
    }

    /// <summary>The stream this queue belongs to.</summary>
    public StreamHead Stream { get; }

    /// <summary>Which half this queue is.</summary>
    public QueueSide Side { get; }

    /// <summary>The module, or null for the head's or the driver's queue.</summary>
    public StreamModule? Module { get; }

    /// <summary>The driver, or null.</summary>
    public StreamDriver? Driver { get; }

    /// <summary>The name of the component that owns the queue.</summary>
    public string Name => Module?.Name ?? Driver?.Name ?? "head";

    /// <summary>The pool to rent new messages from.</summary>
    public MessagePool Pool => Stream.Pool;

    /// <summary>Messages waiting in the queue.</summary>
    public int Count => _normal.Count + (_priority?.Count ?? 0);

    /// <summary>Payload bytes waiting in the queue.</summary>
    public long Bytes { get; private set; }

    /// <summary>At or above this many queued bytes the queue is full.</summary>
    public long HighWater { get; set; }

    /// <summary>Below this many queued bytes a full queue back-enables its sender.</summary>
    public long LowWater { get; set; }

    /// <summary>Whether the queue is above its high water mark (until it drains below the low one).</summary>
    public bool IsFull => _full;

    /// <summary>The queue's counters.</summary>
    public QueueStatistics Statistics => new(_messagesIn, _bytesIn, Count, Bytes, _highWaterHits);

    internal QueueRole Role { get; }

    internal bool HasService { get; }

    internal bool Detached { get; set; }

    internal StreamQueue? Next { get; set; }

    internal StreamQueue? Prev { get; set; }

    internal StreamQueue Partner { get; set; } = null!;

    /// <summary>Passes <paramref name="message"/> to the put procedure of the next queue in its direction.</summary>
    public void PutNext(Message message)
    {
        Debug.Assert(Stream.InContext, "Queue operations run inside the stream's serial context.");
        StreamQueue? next = Next;
        if (next is null)
        {
            message.Release();
            return;
        }

        next.Put(message);
    }

    /// <summary>Sends <paramref name="message"/> back the way it came (from the write side up, from the read side
    /// down), as a module answers a control request.</summary>
    public void Reply(Message message)
    {
        Partner.PutNext(message);
    }

    /// <summary>Whether ordinary data may be put to the next queue now. When it may not, the next full queue
    /// remembers to back-enable this side's nearest service procedure once it drains.</summary>
    public bool CanPutNext()
    {
        StreamQueue? q = Next;
        while (q is not null && !q.HasService)
        {
            q = q.Next;
        }

        if (q is null || !q._full)
        {
            return true;
        }

        q._wantWrite = true;
        return false;
    }

    /// <summary>Whether a message of <paramref name="band"/> may be put now: high bands always may.</summary>
    public bool CanPutNext(byte band) => band != 0 || CanPutNext();

    /// <summary>Puts <paramref name="message"/> to the next queue, unless this queue already holds messages or
    /// flow control says stop, in which case it is queued here (and the service procedure will pass it on).</summary>
    public void PutNextOrQueue(Message message)
    {
        if (Count == 0 && (!message.IsFlowControlled || CanPutNext()))
        {
            PutNext(message);
        }
        else if (!message.IsFlowControlled && message.Kind != MessageKind.Hangup)
        {
            // Control, flush, error and high-band messages are never held back behind data.
            PutNext(message);
        }
        else
        {
            Enqueue(message);
        }
    }

    /// <summary>Adds <paramref name="message"/> to this queue (high bands ahead of ordinary ones, order kept
    /// within a band).</summary>
    public void Enqueue(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Band == 0)
        {
            _normal.Enqueue(message);
        }
        else
        {
            _priority ??= [];
            int i = _priority.Count;
            while (i > 0 && _priority[i - 1].Band < message.Band)
            {
                i--;
            }

            _priority.Insert(i, message);
        }

        Bytes += message.Length;
        if (!_full && Bytes >= HighWater)
        {
            _full = true;
            _highWaterHits++;
        }
    }

    /// <summary>Puts <paramref name="message"/> back at the front of the queue (it was dequeued but could not be
    /// passed on).</summary>
    public void PutBack(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Band == 0)
        {
            // Queue<T> has no push-front: rebuild (rare: only when a service is stopped by flow control).
            var rest = _normal.ToArray();
            _normal.Clear();
            _normal.Enqueue(message);
            foreach (Message m in rest)
            {
                _normal.Enqueue(m);
            }
        }
        else
        {
            _priority ??= [];
            _priority.Insert(0, message);
        }

        Bytes += message.Length;
        if (!_full && Bytes >= HighWater)
        {
            _full = true;
        }
    }

    /// <summary>Looks at the message that <see cref="TryDequeue"/> would take.</summary>
    public bool TryPeek(out Message message)
    {
        if (_priority is { Count: > 0 })
        {
            message = _priority[0];
            return true;
        }

        return _normal.TryPeek(out message!);
    }

    /// <summary>Takes the next message (high bands first). When the queue drains below its low mark, a sender
    /// stopped by it is back-enabled.</summary>
    public bool TryDequeue(out Message message)
    {
        if (_priority is { Count: > 0 })
        {
            message = _priority[0];
            _priority.RemoveAt(0);
        }
        else if (!_normal.TryDequeue(out message!))
        {
            return false;
        }

        Bytes -= message.Length;
        if (_full && Bytes <= LowWater)
        {
            _full = false;
            if (_wantWrite)
            {
                _wantWrite = false;
                BackEnable();
            }
        }

        return true;
    }

    /// <summary>Schedules this queue's service procedure to run inside the serial context.</summary>
    public void EnableService()
    {
        if (!_serviceScheduled)
        {
            _serviceScheduled = true;
            Stream.ScheduleService(this);
        }
    }

    /// <summary>Releases every queued message (a flush).</summary>
    public void Flush()
    {
        while (TryDequeue(out Message m))
        {
            m.Release();
        }
    }

    /// <summary>Runs <paramref name="action"/> inside the stream's serial context, from any thread (timers and
    /// asynchronous completions in a module use this).</summary>
    public void Invoke(Action<StreamQueue> action) => Stream.Invoke(action, this);

    /// <summary>Fails the stream with <paramref name="error"/> raised by this queue's component.</summary>
    public void Fail(Exception error) => Stream.FailFrom(this, error);

    /// <summary>The default service procedure: passes queued messages on while flow control allows.</summary>
    public void Drain()
    {
        while (TryPeek(out Message m))
        {
            if (m.IsFlowControlled && !CanPutNext())
            {
                return;
            }

            TryDequeue(out m);
            PutNext(m);
        }
    }

    internal void Put(Message message)
    {
        if (Detached || Stream.IsTornDown)
        {
            // The stream is gone (or this module left it): nothing may be queued where nobody will release it.
            message.Release();
            return;
        }

        _messagesIn++;
        _bytesIn += message.Length;
        try
        {
            if (message.Kind == MessageKind.Flush && (message.FlushSides & (Side == QueueSide.Write ? FlushSides.Write : FlushSides.Read)) != 0)
            {
                Flush();
            }

            switch (Role)
            {
                case QueueRole.Module when Side == QueueSide.Write:
                    Module!.OnWrite(this, message);
                    break;
                case QueueRole.Module:
                    Module!.OnRead(this, message);
                    break;
                case QueueRole.Driver:
                    Driver!.OnWrite(this, message);
                    break;
                default:
                    Stream.Deliver(this, message);
                    break;
            }
        }
        catch (Exception ex) when (ex is not StreamContextFault)
        {
            Stream.FailFrom(this, ex);
        }
    }

    internal void RunService()
    {
        _serviceScheduled = false;
        try
        {
            switch (Role)
            {
                case QueueRole.Module when Side == QueueSide.Write:
                    Module!.OnWriteService(this);
                    break;
                case QueueRole.Module:
                    Module!.OnReadService(this);
                    break;
                case QueueRole.Driver:
                    if (Side == QueueSide.Write)
                    {
                        Driver!.OnWriteService(this);
                    }
                    else
                    {
                        Stream.OnDriverReadEnabled(this);
                    }

                    break;
                default:
                    Stream.OnHeadService(this);
                    break;
            }
        }
        catch (Exception ex) when (ex is not StreamContextFault)
        {
            Stream.FailFrom(this, ex);
        }
    }

    internal void NoteFull()
    {
        _wantWrite = true;
    }

    internal void ForceAccounting(long delta)
    {
        Bytes += delta;
        if (!_full && Bytes >= HighWater)
        {
            _full = true;
            _highWaterHits++;
        }
        else if (_full && Bytes <= LowWater)
        {
            _full = false;
            if (_wantWrite)
            {
                _wantWrite = false;
                BackEnable();
            }
        }
    }

    private void BackEnable()
    {
        StreamQueue? p = Prev;
        while (p is not null && !p.HasService)
        {
            p = p.Prev;
        }

        p?.EnableService();
    }
}

internal enum QueueRole : byte
{
    Head,
    Module,
    Driver,
}

/// <summary>Internal marker to let a fault in the framework itself escape a put.</summary>
internal sealed class StreamContextFault : Exception
{
    public StreamContextFault(string message) : base(message)
    {
    }
}
