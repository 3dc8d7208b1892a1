namespace Streams;

/// <summary>The device end of a stream: it moves messages between the stream and a transport (a socket, a
/// descriptor, a ZeroMQ socket, another stream).</summary>
/// <remarks>
/// <para><b>Down.</b> <see cref="OnWrite"/> receives every message that reaches the bottom of the write side,
/// inside the stream's serial context: data to send, a <see cref="MessageKind.Hangup"/> that asks for a
/// half-close once the data before it is sent (call <see cref="DriverContext.WritesCompleted"/> then), a flush
/// (turned around by <see cref="HandleDefault"/>), and controls nobody above answered
/// (<see cref="HandleDefault"/> refuses them). It must not block: a driver whose transport is busy queues on its
/// write queue, whose water marks then stop the writers at the head.</para>
/// <para><b>Up.</b> The driver puts what it receives with <see cref="DriverContext.PutUp"/> from any thread, and
/// stops reading its transport while <see cref="DriverContext.CanPutUp"/> is false
/// (<see cref="DriverContext.WaitForCapacityAsync"/>); data first, then a hangup at the end, or
/// <see cref="DriverContext.Fail"/>.</para>
/// <para>A driver instance serves one stream.</para>
/// </remarks>
public abstract class StreamDriver
{
    /// <summary>The driver's name, its address (such as <c>tcp:127.0.0.1:9000</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The water marks of the driver's write queue.</summary>
    protected internal virtual StreamQueueLimits? Limits => null;

    /// <summary>Starts the driver: called once, outside the serial context, when the stream opens.</summary>
    protected internal abstract void Start(DriverContext context);

    /// <summary>Receives a message at the bottom of the write side (inside the serial context). The driver owns
    /// it.</summary>
    protected internal abstract void OnWrite(StreamQueue queue, Message message);

    /// <summary>The write queue's service procedure (for example after a transport write completed).</summary>
    protected internal virtual void OnWriteService(StreamQueue queue)
    {
    }

    /// <summary>Called inside the serial context when the stream can take more from the driver again.</summary>
    protected internal virtual void OnReadEnabled(StreamQueue queue)
    {
    }

    /// <summary>Stops the transport and frees it: called once, when the stream is closed or aborted.</summary>
    /// <param name="abort">True when the stream is aborted (no drain).</param>
    protected internal abstract ValueTask StopAsync(bool abort);

    /// <summary>The default handling of non-data messages at the bottom: a write flush is turned around as a read
    /// flush, a control nobody answered is refused with a Nak, anything else is released. Returns false for data,
    /// proto and hangup messages, which the driver handles.</summary>
    protected bool HandleDefault(StreamQueue queue, Message message)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(message);
        switch (message.Kind)
        {
            case MessageKind.Data or MessageKind.Proto or MessageKind.Hangup:
                return false;
            case MessageKind.Flush when (message.FlushSides & FlushSides.Read) != 0:
                message.FlushSides = FlushSides.Read;
                queue.Reply(message);
                return true;
            case MessageKind.Control:
                queue.Reply(queue.Pool.Nak(message, new NotSupportedException($"no module or driver handles '{message.Command}'"), Name));
                message.Release();
                return true;
            default:
                message.Release();
                return true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
