using NetMQ;

namespace Streams.Transports.ZeroMq.Internal;

/// <summary>One side of a device: its socket and its counters (written on the device's poller thread, or the
/// relay's, only; read from anywhere).</summary>
internal sealed class DeviceLeg
{
    public long MessagesIn;
    public long BytesIn;
    public long MessagesOut;
    public long BytesOut;

    private readonly NetMQSocket? _socket;

    public DeviceLeg(string name, NetMQSocket? socket)
    {
        Name = name;
        _socket = socket;
        Endpoint = socket?.Options.LastEndpoint;
    }

    public string Name { get; }

    /// <summary>The leg's NetMQ socket (not on a leg the ZMTP relay serves).</summary>
    public NetMQSocket Socket => _socket ?? throw new InvalidOperationException($"the {Name} has no NetMQ socket: the ZMTP relay serves it");

    public NetMQSocket? SocketOrNull => _socket;

    public string? Endpoint { get; set; }

    /// <summary>The in-memory stream of this leg's modules, or null for the raw path.</summary>
    public DeviceLegStream? Modules { get; set; }
}
