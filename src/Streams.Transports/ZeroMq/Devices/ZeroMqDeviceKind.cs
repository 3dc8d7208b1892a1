namespace Streams.Transports.ZeroMq.Devices;

/// <summary>The three classic ZeroMQ devices.</summary>
public enum ZeroMqDeviceKind : byte
{
    /// <summary>XSUB (frontend, towards publishers) ↔ XPUB (backend, towards subscribers): messages flow
    /// frontend → backend, subscriptions flow backend → frontend.</summary>
    Forwarder,

    /// <summary>PULL (frontend, from task feeders) → PUSH (backend, to workers): one direction.</summary>
    Streamer,

    /// <summary>ROUTER (frontend, clients) ↔ DEALER (backend, services): requests and replies with their
    /// envelopes.</summary>
    Queue,
}
