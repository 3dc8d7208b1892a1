namespace Streams.Transports.ZeroMq;

/// <summary>The <c>zmq:</c> transport: streams over NetMQ sockets.</summary>
/// <remarks>
/// <para>Address syntax: <c>zmq:TYPE:ENDPOINTS[?OPTIONS]</c>, for example
/// <c>zmq:pull:@tcp://127.0.0.1:5557</c> or
/// <c>zmq:sub:>tcp://host:5556?subscribe=topic&amp;rcvhwm=1000</c>. See <see cref="ZeroMqAddress"/>.</para>
/// <para>A multipart message is one stream message (see <see cref="ZeroMqEnvelope"/>). Controls:
/// <see cref="EndpointControl"/>, <see cref="SubscribeControl"/>, <see cref="UnsubscribeControl"/>. Threading,
/// flow control and what a hangup does: see the README next to this file.</para>
/// </remarks>
public static class ZeroMqTransport
{
    /// <summary>The scheme prefix, <c>zmq:</c>.</summary>
    public const string Scheme = "zmq:";

    /// <summary>A control request (<see cref="StreamHead.ControlAsync"/>) answered with the socket's last bound or
    /// connected endpoint, a string (with the real port after binding <c>tcp://…:*</c>).</summary>
    public const string EndpointControl = "zmq.endpoint";

    /// <summary>A control request that subscribes a sub or xsub stream to the topic given as its argument (a
    /// string); it takes effect after the data written before it. Answered with the topic.</summary>
    public const string SubscribeControl = "zmq.subscribe";

    /// <summary>A control request that unsubscribes a sub or xsub stream from the topic given as its
    /// argument.</summary>
    public const string UnsubscribeControl = "zmq.unsubscribe";

    /// <summary>Creates the driver of a <c>zmq:</c> address (the address includes the <c>zmq:</c> prefix).</summary>
    /// <param name="address">The address, such as <c>zmq:push:>tcp://127.0.0.1:5557</c>.</param>
    /// <param name="options">The stream options (unused by the driver today; reserved).</param>
    /// <returns>A new driver; it opens its socket when the stream starts it.</returns>
    /// <exception cref="FormatException">The address is malformed; the message names the bad part.</exception>
    public static StreamDriver CreateDriver(string address, StreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        _ = options;
        return new ZeroMqDriver(ZeroMqAddress.Parse(address));
    }
}
