namespace Streams.Transports.ZeroMq;

/// <summary>The <c>zmq:</c> transport: streams over NetMQ sockets.</summary>
/// <remarks>
/// <para>Address syntax: <c>zmq:TYPE:ENDPOINTS[?OPTIONS]</c>, for example
/// <c>zmq:pull:@tcp://127.0.0.1:5557</c> or
/// <c>zmq:sub:>tcp://host:5556?subscribe=topic&amp;rcvhwm=1000</c>. See <see cref="ZeroMqAddress"/>.</para>
/// </remarks>
public static class ZeroMqTransport
{
    /// <summary>The scheme prefix, <c>zmq:</c>.</summary>
    public const string Scheme = "zmq:";

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
