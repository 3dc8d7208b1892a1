using System.Runtime.CompilerServices;

namespace Streams;

/// <summary>How a <see cref="DuplexPipeDriver"/> moves bytes, and what it calls when its pipe ends.</summary>
public sealed class DuplexPipeDriverOptions
{
    /// <summary>The defaults: 64 KiB messages, a flush after 64 KiB or at the end of a burst.</summary>
    public static DuplexPipeDriverOptions Default { get; } = new();

    /// <summary>The most bytes one message read from the transport carries (default 64 KiB).</summary>
    public int MaxMessage { get; init; } = 64 * 1024;

    /// <summary>Unflushed bytes after which the driver flushes at once rather than at the end of the burst
    /// (default 64 KiB).</summary>
    public long FlushThreshold { get; init; } = 64 * 1024;

    /// <summary>The water marks of the driver's write queue (null: the stream's defaults).</summary>
    public StreamQueueLimits? WriteLimits { get; init; }

    /// <summary>The pipe has no input (a file opened for writing): no read loop, no hangup from below.</summary>
    public bool NoInput { get; init; }

    /// <summary>Called after the output was completed by a downward hangup (for a transport whose pipe does not
    /// half-close by itself).</summary>
    public Func<ValueTask>? WritesCompleted { get; init; }

    /// <summary>Called once when the stream stops, after both halves of the pipe were completed: frees what is
    /// under the pipe. The argument is true when the stream was aborted.</summary>
    public Func<bool, ValueTask>? Stopped { get; init; }

    /// <summary>Answers control requests that no module answered: returns a box holding the Ack value, or null
    /// to refuse; throws to Nak. Used by drivers that report something (a child's exit status, a peer's
    /// address).</summary>
    public Func<Message, StrongBox<object?>?>? Controls { get; init; }
}
