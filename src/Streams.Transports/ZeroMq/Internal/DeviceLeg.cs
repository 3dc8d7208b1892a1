using NetMQ;

namespace Streams.Transports.ZeroMq.Internal;

/// <summary>One side of a device: its socket and its counters (written on the device's poller thread only,
/// read from anywhere).</summary>
internal sealed class DeviceLeg
{
    public long MessagesIn;
    public long BytesIn;
    public long MessagesOut;
    public long BytesOut;

    public DeviceLeg(string name, NetMQSocket socket)
    {
        Name = name;
        Socket = socket;
        Endpoint = socket.Options.LastEndpoint;
    }

    public string Name { get; }

    public NetMQSocket Socket { get; }

    public string? Endpoint { get; }

    /// <summary>The in-memory stream of this leg's modules, or null for the raw path.</summary>
    public DeviceLegStream? Modules { get; set; }
}
