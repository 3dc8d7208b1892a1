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

    private static volatile bool s_used;

    /// <summary>Whether this process has made a ZeroMQ stream or device, so that NetMQ has threads to end at exit
    /// (<see cref="CleanupAtExit"/>); reading it does not load NetMQ.</summary>
    public static bool WasUsed => s_used;

    /// <summary>At process exit: lets closed sockets deliver what they still linger on (for example the last tasks
    /// of <c>seq 10 | connect 'zmq:push:…'</c>), then ends NetMQ's threads; waits at most
    /// <paramref name="timeout"/>.</summary>
    /// <remarks>Call it once, when every stream and device of the process is closed, and never before more
    /// ZeroMQ use: NetMQ cannot be used after it. NetMQ delivers lingering messages from its own background
    /// thread, which dies with the process, so a program that exits right after closing a push stream loses
    /// what is still queued unless it waits here.</remarks>
    /// <returns>True when NetMQ finished within the timeout.</returns>
    public static bool CleanupAtExit(TimeSpan timeout)
    {
        var cleanup = new Thread(static () => NetMQ.NetMQConfig.Cleanup(block: true)) { IsBackground = true, Name = "zmq cleanup" };
        cleanup.Start();
        return cleanup.Join(timeout);
    }

    internal static void NoteUse() => s_used = true;

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
