using System.Collections.Concurrent;

namespace Streams;

/// <summary>A unit of work run inside a <see cref="SerialContext"/>.</summary>
internal abstract class WorkItem
{
    public abstract void Execute();
}

internal sealed class ActionWorkItem(Action<StreamQueue> action, StreamQueue queue) : WorkItem
{
    public override void Execute() => action(queue);
}

internal sealed class ActionWorkItem<T>(Action<StreamQueue, T> action, StreamQueue queue, T state) : WorkItem
{
    public override void Execute() => action(queue, state);
}

/// <summary>The trampolining serial executor of a stream (or of both ends of a cross-connected pipe).</summary>
/// <remarks>
/// The calling thread runs the work itself when nobody is inside; a thread that finds another inside queues its
/// work and leaves at once, and the thread inside runs it before it leaves. Contenders never block and there is
/// no thread hop per message: a write at the head or data from the driver costs a call chain. Service procedures
/// scheduled while inside run before the context is released. Wake-ups of readers and writers are fired after
/// release, so user continuations never run inside the context.
/// </remarks>
internal sealed class SerialContext
{
    private readonly ConcurrentQueue<WorkItem> _work = new();
    private readonly List<StreamQueue> _services = [];
    private readonly List<StreamHead> _heads = new(2);
    private int _state;
    private int _owner;

    public bool InContext => Volatile.Read(ref _state) == 1 && _owner == Environment.CurrentManagedThreadId;

    public void Attach(StreamHead head) => _heads.Add(head);

    public bool TryEnter()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)
        {
            _owner = Environment.CurrentManagedThreadId;

            // Work posted by a thread that found the context busy, just before its owner left, must run before
            // the work of whoever enters next: a driver's second message must never overtake its first.
            if (!_work.IsEmpty)
            {
                RunPending();
            }

            return true;
        }

        return false;
    }

    /// <summary>Runs what is pending, releases the context, fires wake-ups, and re-enters if work arrived.</summary>
    public void Exit()
    {
        while (true)
        {
            RunPending();
            foreach (StreamHead head in _heads)
            {
                head.PublishDelivered();
            }

            _owner = 0;

            // A full fence, not a release store: the check for new work below must not be read before the release
            // is visible, or a thread that posts in between sees the context busy while we see no work, and its
            // item waits for the next thread to enter (Dekker's problem; a plain store may sit in the store buffer).
            Interlocked.Exchange(ref _state, 0);
            foreach (StreamHead head in _heads)
            {
                head.FireWakeups();
            }

            if (_work.IsEmpty || !TryEnter())
            {
                return;
            }
        }
    }

    public void Post(WorkItem item)
    {
        _work.Enqueue(item);
        if (TryEnter())
        {
            Exit();
        }
    }

    public void ScheduleService(StreamQueue queue) => _services.Add(queue);

    private void RunPending()
    {
        while (true)
        {
            bool any = false;
            while (_work.TryDequeue(out WorkItem? item))
            {
                any = true;
                try
                {
                    item.Execute();
                }
                catch (Exception ex)
                {
                    // A fault outside any module (a bug in the framework or a user callback): fail every stream
                    // of this context rather than lose it.
                    foreach (StreamHead head in _heads)
                    {
                        head.FailFrom(null, ex);
                    }
                }
            }

            for (int i = 0; i < _services.Count; i++)
            {
                any = true;
                StreamQueue q = _services[i];
                if (!q.Detached)
                {
                    q.RunService();
                }
                else
                {
                    q._serviceScheduled = false;
                }
            }

            _services.Clear();
            if (!any)
            {
                return;
            }
        }
    }
}
