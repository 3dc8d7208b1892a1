using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Streams.Transports.ZeroMq.Zmtp;

/// <summary>One TCP connection of the relay: its socket, the bytes read and not yet routed, the bytes queued to
/// send, and its place in the handshake.</summary>
/// <remarks>Owned by the relay's thread: nothing here is touched from another.</remarks>
internal sealed class ZmtpPeer
{
    /// <summary>The largest message the relay takes (its frames, headers and all); a peer that sends a larger one
    /// is refused. Larger messages need the NetMQ engine (<c>DirectTcp = false</c>).</summary>
    public const int MaxMessage = 256 * 1024 * 1024;

    /// <summary>Bytes queued for a peer beyond which it counts as full, whatever its high-water mark.</summary>
    public const int OutputLimit = 64 * 1024 * 1024;

    // Buffers start small (a relay may hold many idle peers) and grow while reads fill them (up to MaxRead), or
    // while one message does not fit (up to MaxMessage).
    private const int InitialIn = 16 * 1024;
    private const int InitialOut = 4 * 1024;
    private const int MaxRead = 256 * 1024;
    private const int InitialRing = 1024;
    private readonly int _highWatermark;
    private long[]? _ends;
    private bool _filled;
    private int _head;
    private int _queued;
    private long _appended;
    private long _sent;

    public ZmtpPeer(Socket socket, ZmtpRole role, int highWatermark)
    {
        Socket = socket;
        Role = role;
        _highWatermark = highWatermark;
        Since = Environment.TickCount64;
    }

    public enum Phase : byte
    {
        Greeting,
        Ready,
        Open,
        Closed,
    }

    public Socket Socket { get; }

    /// <summary>Which of the device's sockets the peer connected to.</summary>
    public ZmtpRole Role { get; }

    /// <summary>Whether the peer connected to the frontend.</summary>
    public bool Front => Role == ZmtpRole.Front;

    /// <summary>Whether the peer connected to the capture socket.</summary>
    public bool Capture => Role == ZmtpRole.Capture;

    /// <summary>When the peer connected (<see cref="Environment.TickCount64"/>), for the handshake's time limit.</summary>
    public long Since { get; }

    public Phase State { get; set; }

    /// <summary>The peer has sent everything it will (end of stream or an error); what is buffered is still
    /// routed.</summary>
    public bool Ended { get; set; }

    /// <summary>Complete messages wait in <see cref="In"/> (no destination could take them, or the relay is
    /// paused).</summary>
    public bool Blocked { get; set; }

    /// <summary>Output was added since the last attempt to send.</summary>
    public bool Dirty { get; set; }

    /// <summary>The subscriptions of a subscriber (backend of a forwarder, or of a PUB capture socket): a set, as
    /// libzmq's XPUB keeps it.</summary>
    public List<byte[]>? Topics { get; set; }

    /// <summary>The routing id of a client of a queue (frontend): the peer's Identity, or one the relay made.</summary>
    public byte[]? Identity { get; set; }

    public byte[] In { get; private set; } = new byte[InitialIn];

    public int InStart { get; set; }

    public int InEnd { get; private set; }

    public byte[] Out { get; private set; } = new byte[InitialOut];

    public int OutStart { get; private set; }

    public int OutEnd { get; private set; }

    public bool HasOutput => OutEnd > OutStart;

    /// <summary>Whether the peer holds as many messages as its high-water mark allows, or
    /// <see cref="OutputLimit"/> bytes.</summary>
    public bool Full => (_highWatermark > 0 && _queued >= _highWatermark) || OutEnd - OutStart >= OutputLimit;

    /// <summary>Whether more is queued for the peer than any flow of messages explains: it does not read what
    /// it asks for (PONGs, subscriptions).</summary>
    public bool Overflowing => (long)OutEnd - OutStart > (long)OutputLimit + MaxMessage;

    /// <summary>Makes room to read (compacting or growing <see cref="In"/>) and reads once.</summary>
    /// <returns>Bytes read; 0 at the end of the stream; -1 when nothing is there yet.</returns>
    /// <exception cref="SocketException">The connection failed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Read()
    {
        if (InStart == InEnd)
        {
            InStart = InEnd = 0;
        }

        int pending = InEnd - InStart;
        if (_filled || In.Length - InEnd < In.Length / 4)
        {
            // The last read filled all it was given (grow, up to MaxRead), or an unfinished message holds more than
            // half of the buffer (grow: it is on its way), or little room is left (compact).
            bool grow = (_filled && In.Length < MaxRead) || pending > In.Length / 2;
            Compact(grow ? (int)Math.Min(2L * In.Length, MaxMessage + 64L * 1024) : In.Length);
        }

        Span<byte> free = In.AsSpan(InEnd);
        if (free.IsEmpty)
        {
            throw new InvalidDataException("a message larger than the relay takes");
        }

        int n = Socket.Receive(free, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
        {
            return -1;
        }

        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }

        _filled = n == free.Length;
        InEnd += n;
        return n;
    }

    /// <summary>Queues bytes to send; <paramref name="message"/> counts them as one message against the
    /// high-water mark.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(ReadOnlySpan<byte> bytes, bool message)
    {
        Span<byte> to = GetSpace(bytes.Length);
        bytes.CopyTo(to);
        Commit(bytes.Length, message);
    }

    /// <summary>Space for <paramref name="size"/> bytes at the end of the output; <see cref="Commit"/> them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<byte> GetSpace(int size)
    {
        if (Out.Length - OutEnd < size)
        {
            int pending = OutEnd - OutStart;
            long needed = (long)pending + size;
            byte[] to = needed <= Out.Length / 2 ? Out : new byte[Math.Min(Math.Max(2L * Out.Length, needed), Array.MaxLength)];
            Out.AsSpan(OutStart, pending).CopyTo(to);
            Out = to;
            OutStart = 0;
            OutEnd = pending;
        }

        return Out.AsSpan(OutEnd, size);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Commit(int size, bool message)
    {
        OutEnd += size;
        _appended += size;
        Dirty = true;
        if (!message || _highWatermark <= 0 || _queued >= _highWatermark)
        {
            return;
        }

        if (_ends is null || _queued == _ends.Length)
        {
            GrowRing();
        }

        _ends![(_head + _queued) % _ends.Length] = _appended;
        _queued++;
    }

    /// <summary>Sends what it can without blocking.</summary>
    /// <returns>True when bytes left (room may have appeared).</returns>
    /// <exception cref="SocketException">The connection failed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Send()
    {
        Dirty = false;
        if (OutEnd == OutStart)
        {
            return false;
        }

        int n = Socket.Send(Out.AsSpan(OutStart, OutEnd - OutStart), SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
        {
            return false;
        }

        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }

        OutStart += n;
        if (OutStart == OutEnd)
        {
            OutStart = OutEnd = 0;
        }

        _sent += n;
        while (_queued > 0 && _ends![_head] <= _sent)
        {
            _head = (_head + 1) % _ends.Length;
            _queued--;
        }

        return n > 0;
    }

    /// <summary>Whether a message whose first frame is <paramref name="first"/> matches a subscription.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Matches(ReadOnlySpan<byte> first)
    {
        if (Topics is null)
        {
            return false;
        }

        foreach (byte[] topic in Topics)
        {
            if (first.StartsWith(topic))
            {
                return true;
            }
        }

        return false;
    }

    public void Close()
    {
        State = Phase.Closed;
        try
        {
            Socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }

    // The ring of queued messages' end offsets grows with use, up to the high-water mark.
    private void GrowRing()
    {
        int size = (int)Math.Min(_ends is null ? InitialRing : 2L * _ends.Length, _highWatermark);
        var ring = new long[size];
        for (int i = 0; i < _queued; i++)
        {
            ring[i] = _ends![(_head + i) % _ends.Length];
        }

        _ends = ring;
        _head = 0;
    }

    private void Compact(int capacity)
    {
        byte[] to = capacity == In.Length ? In : new byte[capacity];
        int length = InEnd - InStart;
        In.AsSpan(InStart, length).CopyTo(to);
        In = to;
        InStart = 0;
        InEnd = length;
    }
}
