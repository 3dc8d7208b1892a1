using System.Collections.Concurrent;
using NetMQ;

namespace Streams.Transports.ZeroMq.Internal;

/// <summary>One direction of a device (frontend → backend or back): the message parked while the destination is
/// full, and whether the source is being listened to. Poller thread only.</summary>
internal sealed class DeviceFlow
{
    public Msg Pending;
    public bool HasPending;
    public bool PendingMore;
    public long PendingSize;
    public bool Listening;
    public bool WaitingToSend;

    public DeviceFlow(DeviceLeg from, DeviceLeg to)
    {
        From = from;
        To = to;
        Pending.InitEmpty();
    }

    /// <summary>Stream messages waiting to be sent to <see cref="To"/> (the path through leg modules).</summary>
    public ConcurrentQueue<Message> Outbox { get; } = new();

    public DeviceLeg From { get; }

    public DeviceLeg To { get; }

    public EventHandler<NetMQSocketEventArgs>? OnReceive { get; set; }

    public EventHandler<NetMQSocketEventArgs>? OnSend { get; set; }
}
