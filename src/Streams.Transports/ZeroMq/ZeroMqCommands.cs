using Streams.Components;
using Streams.Transports.ZeroMq.Devices;

namespace Streams.Transports.ZeroMq;

/// <summary>Registers the ZeroMQ device commands: <c>forwarder</c>, <c>streamer</c> and <c>queue</c>.</summary>
public static class ZeroMqCommands
{
    /// <summary>Adds <c>forwarder</c>, <c>streamer</c> and <c>queue</c> to <paramref name="registry"/>. Leg
    /// modules named with <c>-m</c> are created from the same registry.</summary>
    public static ComponentRegistry AddZeroMqCommands(this ComponentRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Add(registry, ZeroMqDeviceKind.Forwarder, "a ZeroMQ forwarder: XSUB (publishers) ↔ XPUB (subscribers)", "publishers connect to FRONT, subscribers to BACK; subscriptions travel upstream");
        Add(registry, ZeroMqDeviceKind.Streamer, "a ZeroMQ streamer: PULL (task feeders) → PUSH (workers)", "feeders push to FRONT, workers pull from BACK");
        Add(registry, ZeroMqDeviceKind.Queue, "a ZeroMQ queue: ROUTER (clients) ↔ DEALER (services)", "clients (REQ, DEALER) connect to FRONT, services (REP, DEALER) to BACK");
        return registry;
    }

    private static void Add(ComponentRegistry registry, ZeroMqDeviceKind kind, string summary, string roles)
    {
        string name = kind.ToString().ToLowerInvariant();
        registry.Add(new ComponentDescriptor
        {
            Name = name,
            Summary = summary,
            Help = ZeroMqDeviceCommand.HelpFor(name, summary, roles),
            CreateCommand = _ => new ZeroMqDeviceCommand(kind, registry),
        });
    }
}
