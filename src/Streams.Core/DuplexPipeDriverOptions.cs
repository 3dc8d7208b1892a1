using System.Runtime.CompilerServices;

namespace Streams;

/// <summary>How a <see cref="DuplexPipeDriver"/> moves bytes, and what it calls when its pipe ends. A record:
/// derive variants with <c>with { … }</c>.</summary>
public sealed record DuplexPipeDriverOptions
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

    /// <summary>The pipe has no input (a file opened for writing): no read loop; the read side ends (a
    /// <see cref="HangupKind.PeerClosed"/> hangup) once the write side has finished, so a reader waiting for the
    /// end of the stream is not left waiting forever.</summary>
    public bool NoInput { get; init; }

    /// <summary>The pipe has no output (a file opened for reading): data or proto written down fails the stream
    /// with an error naming the driver ("opened for reading only"); a downward hangup completes at once.</summary>
    public bool NoOutput { get; init; }

    /// <summary>Called when the input ended normally, before the <see cref="HangupKind.PeerClosed"/> hangup goes
    /// up (for example to wait briefly for a child process's exit status, so it is known when the reader sees
    /// the end).</summary>
    public Func<ValueTask>? InputEnded { get; init; }

    /// <summary>Called after the output was completed by a downward hangup (for a transport whose pipe does not
    /// half-close by itself).</summary>
    public Func<ValueTask>? WritesCompleted { get; init; }

    /// <summary>How long stopping waits for the read loop to notice before it frees the transport under it
    /// (default 1 s): a read blocked in the kernel (a FIFO, a child's stdout) cannot be cancelled, only ended by
    /// closing what it reads.</summary>
    public TimeSpan StopReadWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Called once when the stream stops, after both halves of the pipe were completed: frees what is
    /// under the pipe. The argument is true when the stream was aborted.</summary>
    public Func<bool, ValueTask>? Stopped { get; init; }

    /// <summary>Answers control requests that no module answered: returns a box holding the Ack value, or null
    /// to refuse; throws to Nak. Used by drivers that report something (a child's exit status, a peer's
    /// address).</summary>
    public Func<Message, StrongBox<object?>?>? Controls { get; init; }
}
