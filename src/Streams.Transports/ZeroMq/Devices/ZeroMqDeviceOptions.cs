namespace Streams.Transports.ZeroMq.Devices;

/// <summary>What a <see cref="ZeroMqDevice"/> runs: its kind, endpoints, capture and control sockets, and
/// optional modules on its legs.</summary>
/// <remarks>Endpoints use the <c>zmq:</c> syntax: <c>@</c> binds, <c>&gt;</c> connects, several separated by
/// commas; without a prefix a device endpoint binds (the device is the stable hub).</remarks>
public sealed class ZeroMqDeviceOptions
{
    /// <summary>The device kind.</summary>
    public required ZeroMqDeviceKind Kind { get; init; }

    /// <summary>The frontend endpoints, such as <c>@tcp://*:5557</c> (required).</summary>
    public required string Frontend { get; init; }

    /// <summary>The backend endpoints (required).</summary>
    public required string Backend { get; init; }

    /// <summary>The capture endpoint: every message crossing the device in either direction is copied there
    /// (null: no capture). Bound unless prefixed with <c>&gt;</c>.</summary>
    /// <remarks>The copy is never allowed to slow the device: a copy the capture socket cannot take at once is
    /// dropped (<see cref="ZeroMqDevice.CaptureDropped"/>).</remarks>
    public string? Capture { get; init; }

    /// <summary>The capture socket type: <see cref="ZeroMqSocketType.Pub"/> (default) or
    /// <see cref="ZeroMqSocketType.Push"/>.</summary>
    public ZeroMqSocketType CaptureType { get; init; } = ZeroMqSocketType.Pub;

    /// <summary>The control endpoint of a REP socket that takes <c>PAUSE</c>, <c>RESUME</c>, <c>TERMINATE</c> and
    /// <c>STATISTICS</c> as libzmq's <c>zmq_proxy_steerable</c> does (null: none). Bound unless prefixed with
    /// <c>&gt;</c>.</summary>
    /// <remarks>STATISTICS is answered with 8 frames, each a uint64 in little-endian (host) order: frontend
    /// messages in, bytes in, messages out, bytes out, then the same for the backend. The other commands are
    /// answered with one empty frame (REP must answer); an unknown command with <c>ERROR unknown command</c>.</remarks>
    public string? Control { get; init; }

    /// <summary>The name shown by <see cref="ZeroMqDevice.Running"/> (default: the kind and endpoints).</summary>
    public string? Name { get; init; }

    /// <summary>Messages moved per poller wake-up and direction (default 1000, as libzmq's proxy burst).</summary>
    public int Batch { get; init; } = 1000;

    /// <summary>The send and receive high-water marks of the frontend and backend sockets, in messages
    /// (default 1000).</summary>
    public int HighWatermark { get; init; } = 1000;

    /// <summary>How long the sockets linger when the device stops (default 0: pending messages are dropped and
    /// stopping never waits).</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.Zero;

    /// <summary>Creates the module of the frontend leg (null: none). Messages received on the frontend come up
    /// through it (its read side); messages sent on the frontend go down through it (its write side).</summary>
    /// <remarks>A leg with modules moves every message through an in-memory stream inside the device (a copy
    /// into a pooled message and a call chain through the modules, about a microsecond a message plus the
    /// modules' own work); legs without modules stay on the zero-allocation <c>Msg</c> path.</remarks>
    public Func<StreamModule>? FrontendModule { get; init; }

    /// <summary>Creates the module of the backend leg (null: none). Messages received on the backend come up
    /// through it; messages sent on the backend go down through it.</summary>
    public Func<StreamModule>? BackendModule { get; init; }

    /// <summary>Whether a device whose endpoints are all TCP (bound, or connected to an IP address), its capture
    /// socket's included, speaks ZMTP 3.0 itself instead of through NetMQ sockets (default true; on Linux with
    /// glibc).</summary>
    /// <remarks>The relay moves each message's frames as bytes from one connection's buffer to another's on one
    /// thread, with no per-message allocation or thread hand-off: about twice the NetMQ engine's throughput and
    /// 1.2× libzmq's proxy (docs/benchmarks.md). It takes messages up to 256 MiB and serves the NULL mechanism
    /// only; peers that send more or ask for CURVE or PLAIN are refused (<see cref="ZeroMqDevice.RejectedConnections"/>).
    /// False keeps NetMQ sockets on every leg.</remarks>
    public bool DirectTcp { get; init; } = true;

    /// <summary>The pool of the leg streams' messages (default <see cref="MessagePool.Shared"/>).</summary>
    public MessagePool Pool { get; init; } = MessagePool.Shared;

    internal string DisplayName => Name ?? $"{Kind.ToString().ToLowerInvariant()} {Frontend} {Backend}";

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Frontend);
        ArgumentException.ThrowIfNullOrWhiteSpace(Backend);
        ArgumentOutOfRangeException.ThrowIfLessThan(Batch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(HighWatermark);
        if (CaptureType is not (ZeroMqSocketType.Pub or ZeroMqSocketType.Push))
        {
            throw new ArgumentException("The capture socket is a pub or a push socket.", nameof(CaptureType));
        }
    }
}
