using System.Text;
using Streams.Components;

namespace Streams;

public sealed partial class StreamHead
{
    /// <summary>The modules from the head down (index 0 is directly under the head).</summary>
    public IReadOnlyList<string> Modules
    {
        get
        {
            lock (_modules)
            {
                return _modules.Select(m => m.Name).ToArray();
            }
        }
    }

    /// <summary>Pushes <paramref name="module"/> directly under the head (I_PUSH), while data flows.</summary>
    public Task PushAsync(StreamModule module, CancellationToken cancellationToken = default)
        => InsertAsync(0, module, cancellationToken);

    /// <summary>Creates a module from a line such as <c>gzip --level fastest</c> with
    /// <see cref="StreamOptions.Components"/> and pushes it.</summary>
    /// <exception cref="ComponentArgumentException">Unknown module or bad arguments.</exception>
    public Task PushAsync(string moduleLine, CancellationToken cancellationToken = default)
    {
        ComponentRegistry registry = Options.Components ?? throw new InvalidOperationException("The stream has no component registry (StreamOptions.Components).");
        return PushAsync(registry.CreateModule(moduleLine), cancellationToken);
    }

    /// <summary>Inserts <paramref name="module"/> at <paramref name="index"/> (0 = under the head, the module count
    /// = just above the driver), while data flows.</summary>
    public Task InsertAsync(int index, StreamModule module, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(module);
        return InvokeAsync(h => h.InsertInside(index, module)).WaitAsync(cancellationToken);
    }

    /// <summary>Inserts <paramref name="module"/> directly below the module named <paramref name="name"/>.</summary>
    public Task InsertBelowAsync(string name, StreamModule module, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(module);
        return InvokeAsync(h => h.InsertInside(h.IndexOf(name) + 1, module)).WaitAsync(cancellationToken);
    }

    /// <summary>Pops the module directly under the head (I_POP). Its queued messages are handed on, in
    /// order.</summary>
    /// <returns>The module removed.</returns>
    public Task<StreamModule> PopAsync(CancellationToken cancellationToken = default)
        => InvokeAsync(h => h.RemoveInside(0)).WaitAsync(cancellationToken);

    /// <summary>Removes the topmost module named <paramref name="name"/>, handing its queued messages on.</summary>
    public Task<StreamModule> RemoveAsync(string name, CancellationToken cancellationToken = default)
        => InvokeAsync(h => h.RemoveInside(h.IndexOf(name))).WaitAsync(cancellationToken);

    /// <summary>The stack with the statistics of each queue, from the head down to the driver.</summary>
    public IReadOnlyList<StackEntry> GetStack()
    {
        var entries = new List<StackEntry>();
        lock (_modules)
        {
            entries.Add(new StackEntry("head", _headWrite.Statistics, HeadReadStatistics()));
            foreach (StreamModule m in _modules)
            {
                (StreamQueue w, StreamQueue r) = _queues[m];
                entries.Add(new StackEntry(m.Name, w.Statistics, r.Statistics));
            }

            entries.Add(new StackEntry(Driver.Name, _driverWrite.Statistics, _driverRead.Statistics));
        }

        return entries;
    }

    /// <summary>The stack as one line: <c>head ↔ line ↔ gzip ↔ tcp:127.0.0.1:9000</c>.</summary>
    public string Describe()
    {
        var text = new StringBuilder("head");
        foreach (string name in Modules)
        {
            text.Append(" ↔ ").Append(name);
        }

        return text.Append(" ↔ ").Append(Driver.Name).ToString();
    }

    private QueueStatistics HeadReadStatistics()
    {
        QueueStatistics s = _headRead.Statistics;
        int queued;
        lock (_readLock)
        {
            queued = _readList.Count + _delivered.Count;
        }

        return s with { Queued = queued, QueuedBytes = s.QueuedBytes - Interlocked.Read(ref _readCredit) };
    }

    private int IndexOf(string name)
    {
        for (int i = 0; i < _modules.Count; i++)
        {
            if (_modules[i].Name == name)
            {
                return i;
            }
        }

        throw new ArgumentException($"No module named '{name}' on the stream ({Describe()}).", nameof(name));
    }

    private void InsertInside(int index, StreamModule module)
    {
        if (_closed || _error is not null)
        {
            throw _error ?? (Exception)new InvalidOperationException("The stream is closed.");
        }

        if (_queues.ContainsKey(module))
        {
            throw new InvalidOperationException($"The module '{module.Name}' is already on this stream.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, _modules.Count);
        StreamQueueLimits limits = module.Limits ?? Options.QueueLimits;
        var w = new StreamQueue(this, QueueSide.Write, QueueRole.Module, module, null, limits);
        var r = new StreamQueue(this, QueueSide.Read, QueueRole.Module, module, null, limits);
        w.Partner = r;
        r.Partner = w;
        (StreamQueue aboveW, StreamQueue aboveR) = index == 0 ? (_headWrite, _headRead) : _queues[_modules[index - 1]];
        (StreamQueue belowW, StreamQueue belowR) = index == _modules.Count ? (_driverWrite, _driverRead) : _queues[_modules[index]];
        aboveW.Next = w;
        w.Prev = aboveW;
        w.Next = belowW;
        belowW.Prev = w;
        belowR.Next = r;
        r.Prev = belowR;
        r.Next = aboveR;
        aboveR.Prev = r;
        lock (_modules)
        {
            _modules.Insert(index, module);
            _queues[module] = (w, r);
        }

        module.OnPushed(w, r);
    }

    private StreamModule RemoveInside(int index)
    {
        if (index < 0 || index >= _modules.Count)
        {
            throw new InvalidOperationException("There is no module to pop.");
        }

        StreamModule module = _modules[index];
        (StreamQueue w, StreamQueue r) = _queues[module];
        module.OnPopped(w, r);
        StreamQueue aboveW = w.Prev!;
        StreamQueue belowW = w.Next!;
        StreamQueue belowR = r.Prev!;
        StreamQueue aboveR = r.Next!;

        // Hand on what the module still holds, in order, ignoring flow control: it was already accepted.
        while (w.TryDequeue(out Message? m))
        {
            belowW.Put(m);
        }

        while (r.TryDequeue(out Message? m))
        {
            aboveR.Put(m);
        }

        aboveW.Next = belowW;
        belowW.Prev = aboveW;
        belowR.Next = aboveR;
        aboveR.Prev = belowR;
        w.Detached = true;
        r.Detached = true;
        lock (_modules)
        {
            _modules.RemoveAt(index);
            _queues.Remove(module);
        }

        // A sender that waited on the removed queues must not wait forever: give it a chance to go on.
        EnableNearestService(aboveW);
        EnableNearestService(belowR);
        return module;
    }

    private static void EnableNearestService(StreamQueue? q)
    {
        while (q is not null && !q.HasService)
        {
            q = q.Prev;
        }

        q?.EnableService();
    }
}
