namespace Streams;

/// <summary>The half of a module a queue belongs to.</summary>
public enum QueueSide : byte
{
    /// <summary>The write side: messages travel down, from the head to the driver.</summary>
    Write,

    /// <summary>The read side: messages travel up, from the driver to the head.</summary>
    Read,
}

/// <summary>Counters of one queue, as <c>stack</c> shows them.</summary>
/// <param name="Messages">Messages put into the queue's put procedure.</param>
/// <param name="Bytes">Payload bytes put into it.</param>
/// <param name="Queued">Messages waiting in it now.</param>
/// <param name="QueuedBytes">Payload bytes waiting in it now.</param>
/// <param name="HighWaterHits">How many times it reached its high water mark.</param>
public readonly record struct QueueStatistics(long Messages, long Bytes, int Queued, long QueuedBytes, long HighWaterHits)
{
    /// <inheritdoc />
    public override string ToString() => $"{Messages} msgs, {Bytes} B, queued {Queued}/{QueuedBytes} B, full {HighWaterHits}x";
}

/// <summary>One element of a stream's stack, with the statistics of its two queues.</summary>
/// <param name="Name">The module's or driver's name (the head is <c>head</c>).</param>
/// <param name="Write">Its write-side queue.</param>
/// <param name="Read">Its read-side queue.</param>
public readonly record struct StackEntry(string Name, QueueStatistics Write, QueueStatistics Read);
