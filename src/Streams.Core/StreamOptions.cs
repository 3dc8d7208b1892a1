using Streams.Components;

namespace Streams;

/// <summary>How the head delivers data to a byte read (I_SRDOPT).</summary>
public enum ReadMode : byte
{
    /// <summary>Byte stream: a read takes bytes from as many messages as fit; boundaries merge.</summary>
    Byte,

    /// <summary>Message: a read takes bytes from one message at most; what does not fit is kept for the next
    /// read (RMSGN).</summary>
    Message,
}

/// <summary>Options of a stream. Every property has a documented default.</summary>
public sealed class StreamOptions
{
    /// <summary>The options used when none are given.</summary>
    public static StreamOptions Default { get; } = new();

    /// <summary>The pool messages are rented from (default <see cref="MessagePool.Shared"/>; tests give their own
    /// to check for leaks).</summary>
    public MessagePool Pool { get; init; } = MessagePool.Shared;

    /// <summary>The registry that <see cref="StreamHead.PushAsync(string, CancellationToken)"/> creates modules from
    /// (default: none; pushing by name then fails).</summary>
    public ComponentRegistry? Components { get; init; }

    /// <summary>The read mode of byte reads (default <see cref="Streams.ReadMode.Byte"/>).</summary>
    public ReadMode ReadMode { get; init; } = ReadMode.Byte;

    /// <summary>Water marks of the head's read queue (default 256 KiB / 64 KiB).</summary>
    public StreamQueueLimits HeadLimits { get; init; } = StreamQueueLimits.Default;

    /// <summary>Water marks of module and driver queues that do not choose their own (default 256 KiB / 64 KiB).</summary>
    public StreamQueueLimits QueueLimits { get; init; } = StreamQueueLimits.Default;

    /// <summary>How long a control request waits for its answer (default 10 s).</summary>
    public TimeSpan ControlTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a close waits for the write side to drain before it aborts (default 10 s).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
