using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
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
    private readonly List<(Socket Socket, bool Front)> _listeners = [];
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

    private ZmtpRelay(string name, ZeroMqDeviceKind kind, DeviceLeg front, DeviceLeg back, int highWatermark, TimeSpan linger, bool paused, MessagePool pool)
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
        _handshake = new byte[ZmtpWire.GreetingSize + Math.Max(ZmtpWire.ReadySize(_frontType), ZmtpWire.ReadySize(_backType))];
    }

    /// <summary>Completes when the relay's thread has closed everything; faults if the relay itself failed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>The last frontend endpoint bound, with its real port.</summary>
    public string? FrontendEndpoint { get; private set; }

    /// <summary>The last backend endpoint bound, with its real port.</summary>
    public string? BackendEndpoint { get; private set; }

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

    /// <summary>Binds every endpoint and starts the relay's thread.</summary>
    /// <exception cref="IOException">An endpoint could not be bound (the message names it).</exception>
    public static ZmtpRelay Start(string name, ZeroMqDeviceKind kind, IReadOnlyList<ZeroMqEndpoint> front, IReadOnlyList<ZeroMqEndpoint> back, DeviceLeg frontLeg, DeviceLeg backLeg, int highWatermark, TimeSpan linger, bool paused, MessagePool pool)
    {
        var relay = new ZmtpRelay(name, kind, frontLeg, backLeg, highWatermark, linger, paused, pool);
        try
        {
            string? frontBound = relay.Listen(front, true), frontDialled = relay.Dial(front, true);
            string? backBound = relay.Listen(back, false), backDialled = relay.Dial(back, false);
            relay.FrontendEndpoint = frontBound ?? frontDialled;
            relay.BackendEndpoint = backBound ?? backDialled;
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

    private string? Listen(IReadOnlyList<ZeroMqEndpoint> endpoints, bool front)
    {
        string? last = null;
        foreach (ZeroMqEndpoint endpoint in endpoints.Where(e => e.Bind))
        {
            if (!TryParse(endpoint.Address, out IPEndPoint at))
            {
                throw new IOException($"{_name}: cannot bind {endpoint.Address}: not a TCP address the relay serves");
            }

            var socket = new Socket(at.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // SO_REUSEADDR alone, as libzmq sets it (a restart may bind over TIME_WAIT); .NET's ReuseAddress
                // would add SO_REUSEPORT, letting a second device bind the same port.
                socket.SetRawSocketOption(SolSocket, SoReuseAddress, BitConverter.GetBytes(1));
                socket.Bind(at);
                socket.Listen(Backlog);
                socket.Blocking = false;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                string why = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? "address already in use" : ex.Message;
                throw new IOException($"{_name}: cannot bind {endpoint.Address}: {why}", ex);
            }

            _listeners.Add((socket, front));
            var bound = (IPEndPoint)socket.LocalEndPoint!;
            last = bound.AddressFamily == AddressFamily.InterNetworkV6 ? $"tcp://[{bound.Address}]:{bound.Port}" : $"tcp://{bound.Address}:{bound.Port}";
        }

        return last;
    }

    private void Run()
    {
        Exception? error = null;
        try
        {
            Loop();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex;
        }
        finally
        {
            CloseAll();
        }

        if (error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(error);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Loop()
    {
        StartDialing();
        while (!_stopping)
        {
            bool paused = _paused;
            if (paused != _pausedHere)
            {
                _pausedHere = paused;
                if (!paused)
                {
                    RouteEverything();
                    Flush();
                }
            }

            int count = FillPollSet(out int timeout);
            PollNative.Wait(_fds.AsSpan(0, count), timeout);
            if (_fds[0].Returned != 0)
            {
                PollNative.Drain(_wake.Read);
            }

            TakeDialed();
            for (int i = 1; i <= _listeners.Count; i++)
            {
                if (_fds[i].Returned != 0)
                {
                    Accept(_listeners[i - 1].Socket, _listeners[i - 1].Front);
                }
            }

            for (int i = 1 + _listeners.Count; i < count; i++)
            {
                short returned = _fds[i].Returned;
                ZmtpPeer peer = _polled[i]!;
                _polled[i] = null;
                if (returned != 0 && peer.State != ZmtpPeer.Phase.Closed)
                {
                    Serve(peer, returned);
                }
            }

            DrainOutboxes();
            Flush();
            EndLateHandshakes();
            _peers.RemoveAll(p => p.State == ZmtpPeer.Phase.Closed);
            Redial();
        }

        foreach ((Socket socket, _) in _listeners)
        {
            socket.Dispose();
        }

        _listeners.Clear();
        Linger();
    }

    // A peer that has not finished its handshake in HandshakeTimeout is dropped (libzmq's ZMQ_HANDSHAKE_IVL).
    private void EndLateHandshakes()
    {
        long now = Environment.TickCount64;
        foreach (ZmtpPeer peer in _peers)
        {
            if (peer.State is ZmtpPeer.Phase.Greeting or ZmtpPeer.Phase.Ready && now - peer.Since >= HandshakeTimeout)
            {
                Reject(peer);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    // The descriptors to wait on, and how long to wait (for the earliest handshake deadline or a paused accept).
    private int FillPollSet(out int timeout)
    {
        long now = Environment.TickCount64;
        long deadline = long.MaxValue;
        bool accepting = now >= _acceptAgainAt;
        if (!accepting)
        {
            deadline = _acceptAgainAt;
        }

        int count = 1 + _listeners.Count + _peers.Count;
        if (_fds.Length < count)
        {
            _fds = new PollNative.PollFd[count * 2];
            _polled = new ZmtpPeer?[count * 2];
        }

        _fds[0] = new PollNative.PollFd { Fd = _wake.Read, Events = PollNative.In };
        int i = 1;
        foreach ((Socket socket, _) in _listeners)
        {
            _fds[i++] = new PollNative.PollFd { Fd = accepting ? (int)socket.Handle : -1, Events = PollNative.In };
        }

        foreach (ZmtpPeer peer in _peers)
        {
            short events = (short)((WantsToRead(peer) ? PollNative.In : 0) | (peer.HasOutput && !peer.Ended ? PollNative.Out : 0));
            _fds[i] = new PollNative.PollFd { Fd = events == 0 ? -1 : (int)peer.Socket.Handle, Events = events };
            _polled[i++] = peer;
            if (peer.State is ZmtpPeer.Phase.Greeting or ZmtpPeer.Phase.Ready)
            {
                deadline = Math.Min(deadline, peer.Since + HandshakeTimeout);
            }
        }

        timeout = deadline == long.MaxValue ? -1 : (int)Math.Clamp(deadline - now + 1, 0, int.MaxValue);
        return count;
    }

    private bool WantsToRead(ZmtpPeer peer) =>
        !peer.Ended && (peer.State != ZmtpPeer.Phase.Open || (!_pausedHere && !peer.Blocked));

    private void Accept(Socket listener, bool front)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = listener.Accept();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
            {
                return;
            }
            catch (SocketException)
            {
                // Out of descriptors, or the connection died before it was taken: stop polling the listeners for a
                // moment rather than spin on one that stays readable (the peers already connected go on).
                _acceptAgainAt = Environment.TickCount64 + AcceptPause;
                return;
            }

            Adopt(socket, front, out _);
        }
    }

    // A connection, accepted or dialled, becomes a peer that is sent our greeting and READY at once.
    private bool Adopt(Socket socket, bool front, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ZmtpPeer? peer)
    {
        peer = null;
        try
        {
            socket.Blocking = false;
            socket.NoDelay = true;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            return false;
        }

        peer = new ZmtpPeer(socket, front, _highWatermark);
        string type = front ? _frontType : _backType;
        ZmtpWire.WriteGreeting(_handshake);
        ZmtpWire.WriteReady(_handshake.AsSpan(ZmtpWire.GreetingSize), type);
        peer.Append(_handshake.AsSpan(0, ZmtpWire.GreetingSize + ZmtpWire.ReadySize(type)), message: false);
        _peers.Add(peer);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Serve(ZmtpPeer peer, short returned)
    {
        if ((returned & PollNative.Out) != 0)
        {
            Send(peer);
        }

        if ((returned & (PollNative.In | PollNative.Error | PollNative.HangUp)) == 0 || peer.State == ZmtpPeer.Phase.Closed)
        {
            return;
        }

        if (!WantsToRead(peer))
        {
            // Paused or blocked since the poll: read it later. An error or hang-up means it is gone; what it sent
            // is still routed.
            if ((returned & (PollNative.Error | PollNative.HangUp)) != 0)
            {
                End(peer);
            }

            return;
        }

        int n;
        try
        {
            n = peer.Read();
        }
        catch (SocketException)
        {
            n = 0;
        }
        catch (InvalidDataException)
        {
            Reject(peer);
            return;
        }

        if (n == 0)
        {
            End(peer);
        }
        else if (n > 0)
        {
            Process(peer);
        }
    }

    private void Send(ZmtpPeer peer)
    {
        bool freed;
        try
        {
            freed = peer.Send();
        }
        catch (SocketException)
        {
            End(peer);
            return;
        }

        if (freed && _blocked.Count != 0 && !_pausedHere)
        {
            Unblock();
        }
    }

    // Sends the output of every peer that has new output, and routes what that frees, a few rounds at most.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Flush()
    {
        Publish();
        for (int round = 0; round < MaxFlushRounds; round++)
        {
            bool any = false;
            for (int i = 0; i < _peers.Count; i++)
            {
                ZmtpPeer peer = _peers[i];
                if (peer.Dirty && peer.State != ZmtpPeer.Phase.Closed)
                {
                    any = true;
                    Send(peer);
                    if (peer.Overflowing)
                    {
                        Reject(peer); // it asks (PINGs, subscriptions) and does not read the answers
                    }
                }
            }

            if (!any)
            {
                return;
            }

            Publish();
        }
    }

    // The peer has sent all it will: it takes no more messages; its buffered messages are still routed.
    private void End(ZmtpPeer peer)
    {
        if (peer.Ended)
        {
            return;
        }

        peer.Ended = true;
        if (peer.State == ZmtpPeer.Phase.Open)
        {
            // What it sent first (a subscriber's last subscriptions too), then it leaves the routing.
            Process(peer);
            (peer.Front ? _fronts : _backs).Remove(peer);
            if (_forwarder && !peer.Front)
            {
                Unsubscribe(peer);
            }
            else if (_queue && peer.Front)
            {
                ForgetIdentity(peer);
            }
        }

        CloseIfDone(peer);
    }

    private void CloseIfDone(ZmtpPeer peer)
    {
        if (peer.Ended && !peer.Blocked && peer.State != ZmtpPeer.Phase.Closed)
        {
            _blocked.Remove(peer);
            peer.Close();
        }
    }

    private void Reject(ZmtpPeer peer)
    {
        Interlocked.Increment(ref _rejected);
        peer.Blocked = false;
        peer.InStart = peer.InEnd;
        End(peer);
        CloseIfDone(peer);
    }

    // Stopping: sends what the peers hold for up to the linger time, taking nothing new.
    private void Linger()
    {
        if (_linger <= TimeSpan.Zero)
        {
            return;
        }

        long deadline = Environment.TickCount64 + (long)Math.Min(_linger.TotalMilliseconds, MaxLinger);
        while (Environment.TickCount64 < deadline)
        {
            int count = 0;
            foreach (ZmtpPeer peer in _peers)
            {
                if (peer.HasOutput && !peer.Ended && peer.State != ZmtpPeer.Phase.Closed)
                {
                    if (_fds.Length <= count)
                    {
                        Array.Resize(ref _fds, count * 2);
                        Array.Resize(ref _polled, count * 2);
                    }

                    _fds[count] = new PollNative.PollFd { Fd = (int)peer.Socket.Handle, Events = PollNative.Out };
                    _polled[count++] = peer;
                }
            }

            if (count == 0)
            {
                return;
            }

            PollNative.Wait(_fds.AsSpan(0, count), (int)Math.Max(1, deadline - Environment.TickCount64));
            for (int i = 0; i < count; i++)
            {
                if (_fds[i].Returned != 0)
                {
                    try
                    {
                        _polled[i]!.Send();
                    }
                    catch (SocketException)
                    {
                        _polled[i]!.Ended = true;
                    }
                }
            }
        }
    }

    private void CloseAll()
    {
        foreach ((Socket socket, _) in _listeners)
        {
            socket.Dispose();
        }

        foreach (ZmtpPeer peer in _peers)
        {
            peer.Close();
        }

        _peers.Clear();
        _closed = true;
        DisposeDialed();
        ReleaseOutboxes();
        lock (_wakeLock)
        {
            PollNative.Close(_wake.Read);
            PollNative.Close(_wake.Write);
            _wake = (-1, -1);
        }
    }
}
