using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Streams.Transports.ZeroMq.Zmtp;

/// <summary>One TCP connection of the relay: its socket, the bytes read and not yet routed, the bytes queued to
/// send, and its place in the handshake.</summary>
/// <remarks>Owned by the relay's thread: nothing here is touched from another.</remarks>
internal sealed class ZmtpPeer
{
    private const int InitialIn = 128 * 1024;
    private const int InitialOut = 64 * 1024;
    private const int MinFreeToRead = 16 * 1024;
    private readonly long[]? _ends;
    private int _head;
    private int _queued;
    private long _appended;
    private long _sent;

    public ZmtpPeer(Socket socket, bool front, int highWatermark, string remote)
    {
        Socket = socket;
        Front = front;
        Remote = remote;
        _ends = highWatermark > 0 ? new long[highWatermark] : null;
    }

    public enum Phase : byte
    {
        Greeting,
        Ready,
        Open,
        Closed,
    }

    public Socket Socket { get; }

    /// <summary>Whether the peer connected to the frontend (else the backend).</summary>
    public bool Front { get; }

    /// <summary>The peer's address, for errors.</summary>
    public string Remote { get; }

    public Phase State { get; set; }

    /// <summary>The peer has sent everything it will (end of stream or an error); what is buffered is still
    /// routed.</summary>
    public bool Ended { get; set; }

    /// <summary>Complete messages wait in <see cref="In"/> because no destination could take them.</summary>
    public bool Blocked { get; set; }

    /// <summary>Output was added since the last attempt to send.</summary>
    public bool Dirty { get; set; }

    /// <summary>The subscriptions of a subscriber (backend of a forwarder), one entry per SUBSCRIBE.</summary>
    public List<byte[]>? Topics { get; set; }

    public byte[] In { get; private set; } = new byte[InitialIn];

    public int InStart { get; set; }

    public int InEnd { get; private set; }

    public byte[] Out { get; private set; } = new byte[InitialOut];

    public int OutStart { get; private set; }

    public int OutEnd { get; private set; }

    public bool HasOutput => OutEnd > OutStart;

    /// <summary>Whether the peer holds as many messages as its high-water mark allows.</summary>
    public bool Full => _ends is not null && _queued >= _ends.Length;

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
        else if (In.Length - InEnd < MinFreeToRead)
        {
            Compact(In.Length - (InEnd - InStart) < MinFreeToRead ? In.Length * 2 : In.Length);
        }

        int n = Socket.Receive(In.AsSpan(InEnd), SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
        {
            return -1;
        }

        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }

        InEnd += n;
        return n;
    }

    /// <summary>Makes sure a frame that needs <paramref name="bytes"/> from <see cref="InStart"/> fits.</summary>
    public void Reserve(long bytes)
    {
        if (bytes > In.Length)
        {
            Compact((int)Math.Min(Array.MaxLength, Math.Max(bytes, (long)In.Length * 2)));
        }
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
            byte[] to = pending + size <= Out.Length / 2 ? Out : new byte[Math.Max(Out.Length * 2, pending + size)];
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
        if (message && _ends is not null && _queued < _ends.Length)
        {
            _ends[(_head + _queued) % _ends.Length] = _appended;
            _queued++;
        }
    }

    /// <summary>Sends what it can without blocking.</summary>
    /// <returns>True when a message left the queue that counts against the high-water mark.</returns>
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
        bool freed = false;
        while (_queued > 0 && _ends![_head] <= _sent)
        {
            _head = (_head + 1) % _ends.Length;
            _queued--;
            freed = true;
        }

        return freed;
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
