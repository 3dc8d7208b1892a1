using System.Collections.Concurrent;

namespace Streams;

/// <summary>An in-memory driver: what reaches the bottom of the stream is kept (or handed to a sink), and
/// messages can be injected up as if they came from a transport. The driver of tests, benchmarks and simplex
/// commands.</summary>
/// <remarks>
/// <para>Messages written down are queued for <see cref="TryTakeWritten"/> (the taker owns them), or given to
/// <see cref="Sink"/> inside the serial context (the sink owns them), or released when <see cref="Discard"/> is
/// set. While <see cref="Held"/> is true the driver accepts nothing: messages wait on its write queue, whose water
/// marks then stop the writers at the head — a slow transport.</para>
/// <para>A downward hangup is recorded in <see cref="WritesCompleted"/> and reported to the stream. Controls are
/// answered by <see cref="ControlHandler"/> when it is set.</para>
/// </remarks>
public sealed class MemoryDriver : StreamDriver
{
    private readonly ConcurrentQueue<Message> _written = new();
    private DriverContext? _context;
    private StreamQueue? _writeQueue;
    private bool _held;

    /// <summary>Creates the driver.</summary>
    public MemoryDriver(string name = "mem")
    {
        Name = name;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>Release what is written instead of keeping it (benchmarks).</summary>
    public bool Discard { get; init; }

    /// <summary>Receives each message that reaches the driver, inside the serial context; it owns the message.</summary>
    public Action<Message>? Sink { get; init; }

    /// <summary>Answers control requests: returns the Ack value, or throws to Nak. Null: controls are refused.</summary>
    public Func<Message, object?>? ControlHandler { get; init; }

    /// <summary>Water marks of the write queue.</summary>
    public StreamQueueLimits? WriteLimits { get; init; }

    /// <summary>Whether a downward hangup (the writer finished) arrived.</summary>
    public bool WritesCompleted { get; private set; }

    /// <summary>Messages kept for <see cref="TryTakeWritten"/>.</summary>
    public int WrittenCount => _written.Count;

    /// <summary>Whether the driver is holding writes back (a stalled transport).</summary>
    public bool Held => _held;

    /// <summary>The stream's context, once started.</summary>
    public DriverContext Context => _context ?? throw new InvalidOperationException("The driver has not started.");

    /// <inheritdoc />
    protected internal override StreamQueueLimits? Limits => WriteLimits;

    /// <summary>Takes the oldest message that reached the driver; the caller owns it.</summary>
    public bool TryTakeWritten(out Message message) => _written.TryDequeue(out message!);

    /// <summary>Stops accepting writes (they queue on the driver's write queue).</summary>
    public void Hold() => Context.Invoke(static q => ((MemoryDriver)q.Driver!)._held = true, WriteQueue);

    /// <summary>Accepts writes again and drains what was held.</summary>
    public void Resume() => Context.Invoke(
        static q =>
        {
            var d = (MemoryDriver)q.Driver!;
            d._held = false;
            while (!d._held && q.TryDequeue(out Message? m))
            {
                d.Accept(q, m);
            }
        },
        WriteQueue);

    /// <summary>Puts <paramref name="message"/> up the stream as if the transport received it.</summary>
    public void InjectUp(Message message) => Context.PutUp(message);

    /// <summary>Puts a copy of <paramref name="data"/> up the stream.</summary>
    public void InjectUp(ReadOnlySpan<byte> data) => Context.PutUp(Context.Pool.Data(data));

    /// <summary>Puts a hangup up the stream: the far end is gone.</summary>
    public void InjectHangup(HangupKind reason = HangupKind.PeerClosed) => Context.PutUp(Context.Pool.Hangup(reason));

    /// <summary>Fails the stream as a transport error would.</summary>
    public void InjectError(Exception error) => Context.Fail(error);

    /// <inheritdoc />
    protected internal override void Start(DriverContext context)
    {
        _context = context;
        _writeQueue = context.Stream.DriverWriteQueue;
    }

    /// <inheritdoc />
    protected internal override void OnWrite(StreamQueue queue, Message message)
    {
        if (message.Kind == MessageKind.Control && ControlHandler is { } handler)
        {
            Message answer;
            try
            {
                answer = queue.Pool.Ack(message, handler(message), Name);
            }
            catch (Exception ex)
            {
                answer = queue.Pool.Nak(message, ex, Name);
            }

            message.Release();
            queue.Reply(answer);
            return;
        }

        if (message.Kind == MessageKind.Flush && (message.FlushSides & FlushSides.Write) != 0)
        {
            queue.Flush();
        }

        if (HandleDefault(queue, message))
        {
            return;
        }

        if (_held || queue.Count > 0)
        {
            queue.Enqueue(message);
            return;
        }

        Accept(queue, message);
    }

    /// <inheritdoc />
    protected internal override ValueTask StopAsync(bool abort)
    {
        while (_written.TryDequeue(out Message? m))
        {
            m.Release();
        }

        return default;
    }

    private StreamQueue WriteQueue => _writeQueue ?? throw new InvalidOperationException("The driver has not started.");

    private void Accept(StreamQueue queue, Message message)
    {
        if (message.Kind == MessageKind.Hangup)
        {
            WritesCompleted = true;
            queue.Stream.DriverContext.WritesCompleted();
        }

        if (Sink is { } sink)
        {
            sink(message);
        }
        else if (Discard)
        {
            message.Release();
        }
        else
        {
            _written.Enqueue(message);
        }
    }
}
