namespace Streams.Modules.Protocol;

/// <summary>Keeps a connection alive and detects a dead peer: sends a ping when the write side was idle for
/// <see cref="HeartbeatOptions.Interval"/>, answers the peer's pings with pongs, and hangs up with
/// <see cref="HangupKind.Timeout"/> when nothing was read for <see cref="HeartbeatOptions.Timeout"/>.</summary>
/// <remarks>
/// <para><b>Wire format.</b> Pings and pongs must survive a byte transport, so the module frames every message
/// itself with one type byte in front: <c>00</c> data, <c>01</c> ping, <c>02</c> pong. Push it above a framer
/// that keeps message boundaries, with the same module on both ends: <c>-m heartbeat -m length</c>.</para>
/// <code>
/// down, before (5 bytes)       after (6 bytes)        a ping      a pong
/// +---------+                  +----+---------+       +----+      +----+
/// | "hello" |  ------------->  | 00 | "hello" |       | 01 |      | 02 |
/// +---------+                  +----+---------+       +----+      +----+
///
/// up, before (6 bytes)                  after (5 bytes)
/// +----+---------+                      +---------+
/// | 00 | "hello" |  ----------------->  | "hello" |      (01 → a pong is sent down; 02 → dropped)
/// +----+---------+                      +---------+
/// </code>
/// <para>Pings and pongs never reach the head. Anything read (data, ping or pong) counts as a sign of life.
/// When the timeout passes, a <see cref="MessageKind.Hangup"/> with <see cref="HangupKind.Timeout"/> goes up:
/// reads at the head end and <see cref="StreamHead.EndReason"/> says why; later bytes from the peer are
/// dropped. A message coming up that is empty or has an unknown type byte fails the stream with a
/// <see cref="StreamException"/> naming this module and the message's offset in the bytes read.</para>
/// <para>Once the local writer has finished (a hangup went down), no pings or pongs follow it. The control
/// <c>heartbeat.ping</c> sends a ping at once and is acknowledged. The timer (from
/// <see cref="HeartbeatOptions.TimeProvider"/>, a <see cref="System.Threading.Timer"/> by default) re-enters the
/// stream with <see cref="StreamQueue.Invoke"/> and is disposed when the module leaves.</para>
/// </remarks>
public sealed class HeartbeatModule : StreamModule
{
    /// <summary>The type byte of a data message.</summary>
    public const byte DataType = 0;

    /// <summary>The type byte (and whole payload) of a ping.</summary>
    public const byte PingType = 1;

    /// <summary>The type byte (and whole payload) of a pong.</summary>
    public const byte PongType = 2;

    private readonly Action<StreamQueue> _tick;
    private ITimer? _timer;
    private StreamQueue? _read;
    private long _lastRead;
    private long _lastWrite;
    private long _readOffset;
    private bool _done;
    private bool _writeClosed;

    /// <summary>Creates the module with <paramref name="options"/> (default: ping after 5 s idle, time out after
    /// 15 s of silence).</summary>
    public HeartbeatModule(HeartbeatOptions? options = null)
        : base("heartbeat")
    {
        Options = options ?? new HeartbeatOptions();
        _tick = Tick;
    }

    /// <summary>The options.</summary>
    public HeartbeatOptions Options { get; }

    /// <inheritdoc />
    protected override void OnPushed(StreamQueue write, StreamQueue read)
    {
        _read = read;
        _done = false;
        _writeClosed = false;
        _lastRead = _lastWrite = Options.TimeProvider.GetTimestamp();
        TimeSpan shortest = Options.Interval < Options.Timeout ? Options.Interval : Options.Timeout;
        TimeSpan period = TimeSpan.FromTicks(Math.Max(shortest.Ticks / 4, TimeSpan.TicksPerMillisecond));
        _timer = Options.TimeProvider.CreateTimer(static state => ((StreamQueue)state!).Invoke(((HeartbeatModule)((StreamQueue)state!).Module!)._tick), write, period, period);
    }

    /// <inheritdoc />
    protected override void OnPopped(StreamQueue write, StreamQueue read)
    {
        _done = true;
        _timer?.Dispose();
        _timer = null;
    }

    /// <inheritdoc />
    protected override void OnWrite(StreamQueue queue, Message message)
    {
        switch (message.Kind)
        {
            case MessageKind.Data or MessageKind.Proto:
                if (message.TryPrepend(1, out Span<byte> type))
                {
                    type[0] = DataType;
                }
                else
                {
                    Message copy = queue.Pool.Rent(message.Length + 1, message.Kind);
                    copy.Band = message.Band;
                    copy.Protocol = message.Protocol;
                    copy.WritableSpan[0] = DataType;
                    message.Span.CopyTo(copy.WritableSpan[1..]);
                    message.Release();
                    message = copy;
                }

                _lastWrite = Options.TimeProvider.GetTimestamp();
                queue.PutNext(message);
                return;
            case MessageKind.Hangup:
                // The writer finished (a half-close): nothing more may follow it down, pings included.
                _writeClosed = true;
                queue.PutNext(message);
                return;
            case MessageKind.Control when message.Command == "heartbeat.ping" && !_writeClosed:
                SendSignal(queue, PingType);
                queue.Reply(queue.Pool.Ack(message, null, Name));
                message.Release();
                return;
            default:
                queue.PutNext(message);
                return;
        }
    }

    /// <inheritdoc />
    protected override void OnRead(StreamQueue queue, Message message)
    {
        _lastRead = Options.TimeProvider.GetTimestamp();
        if (message.Kind is not (MessageKind.Data or MessageKind.Proto))
        {
            if (message.Kind == MessageKind.Hangup)
            {
                OnPopped(queue, queue);
            }

            queue.PutNext(message);
            return;
        }

        long offset = _readOffset;
        _readOffset += message.Length;
        if (_done && _timer is null && message.Length > 0)
        {
            // Timed out: the head has its hangup; what the peer still sends is no longer wanted.
            message.Release();
            return;
        }

        byte kind = message.Length > 0 ? message.Span[0] : byte.MaxValue;
        switch (kind)
        {
            case DataType:
                message.TrimStart(1);
                queue.PutNext(message);
                return;
            case PingType when message.Length == 1:
                message.Release();
                if (_writeClosed)
                {
                    return;
                }

                Message pong = queue.Pool.Rent(1);
                pong.WritableSpan[0] = PongType;
                _lastWrite = Options.TimeProvider.GetTimestamp();
                queue.Reply(pong);
                return;
            case PongType when message.Length == 1:
                message.Release();
                return;
            default:
                int length = message.Length;
                message.Release();
                throw new StreamException(Name, length == 0
                    ? $"empty message at offset {offset}: a heartbeat frame has a type byte"
                    : $"message at offset {offset}: unknown heartbeat frame type 0x{kind:X2} ({length} bytes)");
        }
    }

    private void SendSignal(StreamQueue write, byte type)
    {
        Message signal = write.Pool.Rent(1);
        signal.WritableSpan[0] = type;
        _lastWrite = Options.TimeProvider.GetTimestamp();
        write.PutNext(signal);
    }

    // Inside the serial context, on the write queue.
    private void Tick(StreamQueue write)
    {
        if (_done || _read is null)
        {
            return;
        }

        try
        {
            TimeProvider time = Options.TimeProvider;
            long now = time.GetTimestamp();
            if (time.GetElapsedTime(_lastRead, now) >= Options.Timeout)
            {
                _done = true;
                _timer?.Dispose();
                _timer = null;
                _read.PutNext(_read.Pool.Hangup(HangupKind.Timeout));
                return;
            }

            if (!_writeClosed && time.GetElapsedTime(_lastWrite, now) >= Options.Interval && write.CanPutNext())
            {
                SendSignal(write, PingType);
            }
        }
        catch (Exception ex)
        {
            write.Fail(ex);
        }
    }
}

/// <summary>The options of <see cref="HeartbeatModule"/>; validated when set.</summary>
public sealed record HeartbeatOptions
{
    /// <summary>How long the write side may be idle before a ping is sent. Default 5 s.</summary>
    public TimeSpan Interval
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Interval), value, "the interval must be positive");
    } = TimeSpan.FromSeconds(5);

    /// <summary>How long nothing may be read before the stream hangs up with <see cref="HangupKind.Timeout"/>.
    /// Default 15 s.</summary>
    public TimeSpan Timeout
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Timeout), value, "the timeout must be positive");
    } = TimeSpan.FromSeconds(15);

    /// <summary>The clock and timers (tests pass a manual one). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    } = TimeProvider.System;
}
