namespace Streams.Transports.ZeroMq.Devices;

/// <summary>The counters of a device, as libzmq's <c>zmq_proxy_steerable</c> keeps them: a multipart message
/// counts once, its bytes are the sum of its frames.</summary>
/// <param name="FrontendMessagesIn">Messages received on the frontend.</param>
/// <param name="FrontendBytesIn">Bytes received on the frontend.</param>
/// <param name="FrontendMessagesOut">Messages sent on the frontend.</param>
/// <param name="FrontendBytesOut">Bytes sent on the frontend.</param>
/// <param name="BackendMessagesIn">Messages received on the backend.</param>
/// <param name="BackendBytesIn">Bytes received on the backend.</param>
/// <param name="BackendMessagesOut">Messages sent on the backend.</param>
/// <param name="BackendBytesOut">Bytes sent on the backend.</param>
public readonly record struct ZeroMqDeviceStatistics(
    long FrontendMessagesIn,
    long FrontendBytesIn,
    long FrontendMessagesOut,
    long FrontendBytesOut,
    long BackendMessagesIn,
    long BackendBytesIn,
    long BackendMessagesOut,
    long BackendBytesOut)
{
    /// <summary>One line for logs and the shell: <c>frontend in 10 msgs/1000 B, out …; backend …</c>.</summary>
    public override string ToString() =>
        $"frontend in {FrontendMessagesIn} msgs/{FrontendBytesIn} B, out {FrontendMessagesOut} msgs/{FrontendBytesOut} B; " +
        $"backend in {BackendMessagesIn} msgs/{BackendBytesIn} B, out {BackendMessagesOut} msgs/{BackendBytesOut} B";
}
