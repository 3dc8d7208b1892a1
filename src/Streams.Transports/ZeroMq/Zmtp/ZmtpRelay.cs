using System.Net;
using System.Net.Sockets;
using Streams.Transports.ZeroMq.Devices;
using Streams.Transports.ZeroMq.Internal;

namespace Streams.Transports.ZeroMq.Zmtp;

/// <summary>A streamer (PULL → PUSH), forwarder (XSUB ↔ XPUB) or queue (ROUTER ↔ DEALER) that speaks ZMTP 3.0
/// over TCP itself, on one thread: it reads a peer's frames in large batches and copies each message's frames,
/// headers and all, into the output of the peer it is routed to, so a message costs a copy of its bytes and no
/// allocation, queue or thread hand-off.</summary>
/// <remarks>
/// <para><b>Threading.</b> One thread owns every socket and buffer and waits in <c>poll</c>; <see cref="Paused"/>
/// and <see cref="Stop"/> may be called from any thread (they wake it through a pipe). Counters go to the
/// <see cref="DeviceLeg"/>s once per wake-up, before the wake-up's output is sent.</para>
/// <para><b>Flow control.</b> Each backend peer of a streamer or queue holds at most the high-water mark of
/// messages not yet taken by the kernel (or <see cref="ZmtpPeer.OutputLimit"/> bytes); when every one is full (or
/// none is connected) the frontend peers' complete messages stay in their buffers and they are not read, so TCP
/// pushes back on the senders. A full subscriber of a forwarder, or a full client of a queue, misses messages, as
/// with PUB and ROUTER sockets.</para>
/// <para><b>Bad peers.</b> A peer with a bad greeting, another mechanism than NULL, an incompatible socket type or
/// an invalid frame is disconnected and counted in <see cref="Rejected"/>; the others are not affected.</para>
/// </remarks>
internal sealed partial class ZmtpRelay
{
    private const int Backlog = 128;
    private const int SolSocket = 1;
    private const int SoReuseAddress = 2;
    private const int MaxFlushRounds = 16;
    private const long HandshakeTimeout = 30_000;
    private const long AcceptPause = 100;

    // The device waits 2 s for the relay to stop; lingering longer would leave it holding its ports after that.
    private const double MaxLinger = 1500;
    private static readonly Lazy<bool> HasLibc = new(() =>
        OperatingSystem.IsLinux() && System.Runtime.InteropServices.NativeLibrary.TryLoad("libc.so.6", out _));
    private readonly string _name;
    private readonly bool _forwarder;
    private readonly bool _queue;
    private readonly string _frontType;
    private readonly string _backType;
    private readonly DeviceLeg _frontLeg;
    private readonly DeviceLeg _backLeg;
    private readonly int _highWatermark;
    private readonly TimeSpan _linger;
    private readonly MessagePool _pool;
    private readonly List<(Socket Socket, ZmtpRole Role)> _listeners = [];
    private readonly List<ZmtpPeer> _peers = [];
    private readonly List<ZmtpPeer> _fronts = [];
    private readonly List<ZmtpPeer> _backs = [];
    private readonly List<ZmtpPeer> _blocked = [];
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _handshake;
    private PollNative.PollFd[] _fds = new PollNative.PollFd[16];
    private ZmtpPeer?[] _polled = new ZmtpPeer?[16];
    private readonly Lock _wakeLock = new();
    private (int Read, int Write) _wake = (-1, -1);
    private volatile bool _paused;
    private volatile bool _stopping;
    private bool _pausedHere; // the loop thread's view of _paused, taken once a turn
    private long _acceptAgainAt;
    private long _rejected;
    private int _next;

    private ZmtpRelay(string name, ZeroMqDeviceKind kind, DeviceLeg front, DeviceLeg back, string? captureType, int highWatermark, TimeSpan linger, bool paused, MessagePool pool)
    {
        _name = name;
        _pool = pool;
        _forwarder = kind == ZeroMqDeviceKind.Forwarder;
        _queue = kind == ZeroMqDeviceKind.Queue;
        (_frontType, _backType) = kind switch
        {
            ZeroMqDeviceKind.Forwarder => ("XSUB", "XPUB"),
            ZeroMqDeviceKind.Queue => ("ROUTER", "DEALER"),
            _ => ("PULL", "PUSH"),
        };
        _frontLeg = front;
        _backLeg = back;
        _highWatermark = highWatermark;
        _linger = linger;
        _paused = _pausedHere = paused;
        _captureType = captureType ?? "PUB";
        _capturePub = _captureType == "PUB";
        _handshake = new byte[ZmtpWire.GreetingSize + new[] { _frontType, _backType, _captureType }.Max(ZmtpWire.ReadySize)];
    }

    /// <summary>Completes when the relay's thread has closed everything; faults if the relay itself failed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>The last frontend endpoint bound, with its real port.</summary>
    public string? FrontendEndpoint { get; private set; }

    /// <summary>The last backend endpoint bound, with its real port.</summary>
    public string? BackendEndpoint { get; private set; }

    /// <summary>The last capture endpoint bound or connected, or null without capture.</summary>
    public string? CaptureEndpoint { get; private set; }

    /// <summary>Connections closed for breaking the protocol.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>While true no message moves (handshakes still do); set from any thread.</summary>
    public bool Paused
    {
        get => _paused;
        set
        {
            _paused = value;
            Wake();
        }
    }

    /// <summary>Whether the relay can serve <paramref name="endpoints"/>: every one a <c>tcp://</c> address whose
    /// host is <c>*</c> (to bind), <c>localhost</c> or an IP address (interface and host names stay with NetMQ), on
    /// Linux with glibc (the <c>poll</c> and <c>pipe2</c> it calls come from <c>libc.so.6</c>).</summary>
    public static bool CanServe(IEnumerable<ZeroMqEndpoint> endpoints) =>
        HasLibc.Value && endpoints.All(e => TryParse(e.Address, out IPEndPoint at) && (e.Bind || (at.Port != 0 && !at.Address.Equals(IPAddress.Any))));

    /// <summary>Binds every endpoint and starts the relay's thread. <c>capture</c> is the capture socket's
    /// endpoints (empty: no capture) and its type, <c>PUB</c> or <c>PUSH</c>.</summary>
    /// <exception cref="IOException">An endpoint could not be bound (the message names it).</exception>
    public static ZmtpRelay Start(string name, ZeroMqDeviceKind kind, IReadOnlyList<ZeroMqEndpoint> front, IReadOnlyList<ZeroMqEndpoint> back, (IReadOnlyList<ZeroMqEndpoint> Endpoints, string Type) capture, DeviceLeg frontLeg, DeviceLeg backLeg, int highWatermark, TimeSpan linger, bool paused, MessagePool pool)
    {
        var relay = new ZmtpRelay(name, kind, frontLeg, backLeg, capture.Type, highWatermark, linger, paused, pool);
        try
        {
            string? frontBound = relay.Listen(front, ZmtpRole.Front), frontDialled = relay.Dial(front, ZmtpRole.Front);
            string? backBound = relay.Listen(back, ZmtpRole.Back), backDialled = relay.Dial(back, ZmtpRole.Back);
            string? captureBound = relay.Listen(capture.Endpoints, ZmtpRole.Capture), captureDialled = relay.Dial(capture.Endpoints, ZmtpRole.Capture);
            relay.FrontendEndpoint = frontBound ?? frontDialled;
            relay.BackendEndpoint = backBound ?? backDialled;
            relay.CaptureEndpoint = captureBound ?? captureDialled;
            relay._capturing = capture.Endpoints.Count != 0;
            relay._wake = PollNative.OpenPipe();
        }
        catch
        {
            relay.CloseAll();
            throw;
        }

        var thread = new Thread(relay.Run) { IsBackground = true, Name = "zmtp " + kind.ToString().ToLowerInvariant() };
        thread.Start();
        return relay;
    }

    /// <summary>Asks the thread to stop: it sends what it holds for up to the linger time, then closes
    /// everything and completes <see cref="Completion"/>.</summary>
    public void Stop()
    {
        _stopping = true;
        Wake();
    }

    // Under a lock, so that a descriptor number closed and reused meanwhile is never written to.
    private void Wake()
    {
        lock (_wakeLock)
        {
            if (_wake.Write >= 0)
            {
                PollNative.Poke(_wake.Write);
            }
        }
    }

    // The ZMTP socket type the relay announces to a peer of this role.
    private string TypeOf(ZmtpRole role) => role switch
    {
        ZmtpRole.Front => _frontType,
        ZmtpRole.Back => _backType,
        _ => _captureType,
    };

    private static bool TryParse(string address, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (!address.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string rest = address[6..];
        int colon = rest.LastIndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        string host = rest[..colon], portText = rest[(colon + 1)..];
        int port = 0;
        if (portText != "*" && !(int.TryParse(portText, System.Globalization.NumberStyles.None, null, out port) && port <= 65535))
        {
            return false;
        }

        IPAddress? ip = host switch
        {
            "*" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ when host.StartsWith('[') && host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out IPAddress? v6) => v6,
            _ when !host.Contains(':') && IPAddress.TryParse(host, out IPAddress? v4) => v4,
            _ => null,
        };
        if (ip is null)
        {
            return false;
        }

        endPoint = new IPEndPoint(ip, port);
        return true;
    }
}
