namespace Streams;

/// <summary>A processing module: a read side and a write side, each with a put procedure and an optional
/// service procedure. A module that overrides nothing passes everything through.</summary>
/// <remarks>
/// <para><b>Put.</b> <see cref="OnWrite"/> is called with each message travelling down, <see cref="OnRead"/> with
/// each travelling up. Handle it at once: transform it, pass it on with <see cref="StreamQueue.PutNext"/>, answer
/// with <see cref="StreamQueue.Reply"/>, queue it with <see cref="StreamQueue.Enqueue"/> for the service
/// procedure, or release it. The message belongs to the module until it does one of these.</para>
/// <para><b>Service.</b> A module that queues overrides <see cref="HasWriteService"/> / <see cref="HasReadService"/>
/// and <see cref="OnWriteService"/> / <see cref="OnReadService"/> (the default drains the queue while flow
/// control allows): the service runs when the queue is back-enabled or enabled with
/// <see cref="StreamQueue.EnableService"/>.</para>
/// <para><b>Threading.</b> All module code of one stream runs serialized, one call at a time, so module state
/// needs no locks; puts are plain synchronous calls. Code that completes on another thread (a timer, an
/// asynchronous API) re-enters with <see cref="StreamQueue.Invoke"/>.</para>
/// <para><b>Errors.</b> An exception thrown from a put or service turns the stream into the error state; the
/// error reaches the head as a <see cref="StreamException"/> naming this module.</para>
/// <para>A module instance belongs to one stream at a time.</para>
/// </remarks>
public abstract class StreamModule
{
    private string? _name;

    /// <summary>Creates a module named after its type (<c>GzipModule</c> → <c>gzip</c>), unless a name is given.</summary>
    protected StreamModule(string? name = null)
    {
        _name = name;
    }

    /// <summary>The name shown in the stack and in errors.</summary>
    public string Name
    {
        get => _name ??= DefaultName(GetType().Name);
        init => _name = value;
    }

    /// <summary>Whether the write side has a service procedure (it queues messages).</summary>
    protected internal virtual bool HasWriteService => false;

    /// <summary>Whether the read side has a service procedure (it queues messages).</summary>
    protected internal virtual bool HasReadService => false;

    /// <summary>The water marks of the module's queues.</summary>
    protected internal virtual StreamQueueLimits? Limits => null;

    /// <summary>The write-side put procedure: a message travelling down.</summary>
    protected internal virtual void OnWrite(StreamQueue queue, Message message) => queue.PutNext(message);

    /// <summary>The read-side put procedure: a message travelling up.</summary>
    protected internal virtual void OnRead(StreamQueue queue, Message message) => queue.PutNext(message);

    /// <summary>The write-side service procedure.</summary>
    protected internal virtual void OnWriteService(StreamQueue queue) => queue.Drain();

    /// <summary>The read-side service procedure.</summary>
    protected internal virtual void OnReadService(StreamQueue queue) => queue.Drain();

    /// <summary>Called inside the serial context after the module joined a stream.</summary>
    /// <param name="write">Its write-side queue.</param>
    /// <param name="read">Its read-side queue.</param>
    protected internal virtual void OnPushed(StreamQueue write, StreamQueue read)
    {
    }

    /// <summary>Called inside the serial context before the module leaves a stream (popped, removed or the
    /// stream closed). A module that holds partial state may pass it on here; what is left in its queues is then
    /// handed on by the stream.</summary>
    protected internal virtual void OnPopped(StreamQueue write, StreamQueue read)
    {
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static string DefaultName(string typeName)
    {
        string n = typeName.EndsWith("Module", StringComparison.Ordinal) && typeName.Length > 6 ? typeName[..^6] : typeName;
        return n.ToLowerInvariant();
    }
}

/// <summary>The water marks of a queue, in payload bytes.</summary>
/// <param name="HighWater">At or above it the queue is full.</param>
/// <param name="LowWater">Below it a full queue back-enables its sender.</param>
public readonly record struct StreamQueueLimits(long HighWater, long LowWater)
{
    /// <summary>The default: 256 KiB high, 64 KiB low.</summary>
    public static StreamQueueLimits Default { get; } = new(256 * 1024, 64 * 1024);
}
