using System.Runtime.CompilerServices;
using System.Text;

namespace Streams.Transports.ZeroMq.Zmtp;

// Handshakes, frames and where each message goes: the relay's thread only.
internal sealed partial class ZmtpRelay
{
    private long _frontIn;
    private long _frontInBytes;
    private long _frontOut;
    private long _frontOutBytes;
    private long _backIn;
    private long _backInBytes;
    private long _backOut;
    private long _backOutBytes;

    private void Process(ZmtpPeer peer)
    {
        if (peer.State == ZmtpPeer.Phase.Greeting)
        {
            if (peer.InEnd - peer.InStart < ZmtpWire.GreetingSize)
            {
                return;
            }

            if (ZmtpWire.CheckGreeting(peer.In.AsSpan(peer.InStart, ZmtpWire.GreetingSize)) is not null)
            {
                Reject(peer);
                return;
            }

            peer.InStart += ZmtpWire.GreetingSize;
            peer.State = ZmtpPeer.Phase.Ready;
        }

        if (peer.State == ZmtpPeer.Phase.Ready && !Handshake(peer))
        {
            return;
        }

        if (peer.State == ZmtpPeer.Phase.Open)
        {
            RouteMessages(peer);
        }
    }

    // The peer's READY: returns true once it is open.
    private bool Handshake(ZmtpPeer peer)
    {
        int h = ZmtpWire.ReadHeader(peer.In.AsSpan(peer.InStart, peer.InEnd - peer.InStart), out byte flags, out long size);
        if (h == 0)
        {
            return false;
        }

        if (h < 0 || (flags & ZmtpWire.Command) == 0 || size > 64 * 1024)
        {
            Reject(peer);
            return false;
        }

        if (peer.InEnd - peer.InStart - h < size)
        {
            return false;
        }

        ReadOnlySpan<byte> body = peer.In.AsSpan(peer.InStart + h, (int)size);
        ReadOnlySpan<byte> name = ZmtpWire.CommandName(body, out int data);
        string ours = TypeOf(peer.Role);
        if (!name.SequenceEqual("READY"u8) || ZmtpWire.SocketType(body[data..]) is not { } theirs || !ZmtpWire.Compatible(ours, theirs))
        {
            Reject(peer);
            return false;
        }

        if (_queue && peer.Front)
        {
            AssignIdentity(peer, ZmtpWire.Property(body[data..], "Identity"u8));
        }

        peer.InStart += h + (int)size;
        peer.State = ZmtpPeer.Phase.Open;
        if (peer.Capture)
        {
            _captures.Add(peer);
            peer.Topics = _capturePub ? [] : null;
        }
        else if (peer.Front)
        {
            _fronts.Add(peer);
            if (_forwarder)
            {
                foreach (string topic in _subscriptions.Keys)
                {
                    Subscription(peer, on: true, Encoding.Latin1.GetBytes(topic));
                }
            }
        }
        else
        {
            _backs.Add(peer);
            if (_forwarder)
            {
                peer.Topics = [];
            }
            else if (_blocked.Count != 0 && !_pausedHere)
            {
                Unblock();
            }
        }

        return true;
    }

    // Routes every complete message in the peer's buffer, stopping where no destination can take one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RouteMessages(ZmtpPeer peer)
    {
        byte[] input = peer.In;
        int end = peer.InEnd;
        int pos = peer.InStart;
        while (true)
        {
            if (_pausedHere)
            {
                // Held until RESUME (RouteEverything), and not closed meanwhile if the peer leaves.
                MarkBlocked(peer, pos < end);
                break;
            }

            int p = pos, first = -1, firstSize = 0, frames = 0;
            long body = 0;
            bool complete = false;
            while (true)
            {
                int h = ZmtpWire.ReadHeader(input.AsSpan(p, end - p), out byte flags, out long size);
                if (h < 0 || p - pos + h + size > ZmtpPeer.MaxMessage)
                {
                    Reject(peer);
                    return;
                }

                if (h == 0 || end - p - h < size)
                {
                    // The rest is on its way (the peer's buffer grows as it comes).
                    peer.InStart = pos;
                    return;
                }

                if ((flags & ZmtpWire.Command) != 0)
                {
                    if (frames != 0)
                    {
                        Reject(peer);
                        return;
                    }

                    if (!Command(peer, input.AsSpan(p + h, (int)size)))
                    {
                        // ERROR: the peer is closing.
                        peer.InStart = end;
                        End(peer);
                        return;
                    }

                    p += h + (int)size;
                    pos = p;
                    continue;
                }

                if (first < 0)
                {
                    first = p + h;
                    firstSize = (int)size;
                }

                frames++;
                body += size;
                p += h + (int)size;
                if ((flags & ZmtpWire.More) == 0)
                {
                    complete = true;
                    break;
                }
            }

            if (complete && !Route(peer, input.AsSpan(pos, p - pos), input.AsSpan(first, firstSize), frames, body))
            {
                MarkBlocked(peer, true);
                break;
            }

            pos = p;
        }

        peer.InStart = pos;
    }

    private void MarkBlocked(ZmtpPeer peer, bool blocked)
    {
        peer.Blocked = blocked;
        if (blocked && !_blocked.Contains(peer))
        {
            _blocked.Add(peer);
        }
    }

    // One complete message (its frames with their headers); false when it must wait.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Route(ZmtpPeer from, ReadOnlySpan<byte> message, ReadOnlySpan<byte> first, int frames, long body)
    {
        if (from.Capture)
        {
            // A capture peer sends nothing but, to a PUB capture socket, its subscriptions.
            if (_capturePub && frames == 1 && first.Length > 0 && first[0] <= 1)
            {
                CaptureSubscription(from, first[0] == 1, first[1..]);
            }

            return true;
        }

        if (_forwarder && !from.Front && frames == 1 && first.Length > 0 && first[0] <= 1)
        {
            // A subscription stays the relay's business, modules or not.
            Subscription(from, first[0] == 1, first[1..]);
            return true;
        }

        if (!_forwarder && !_queue && !from.Front)
        {
            return true; // a PULL peer has nothing to send; ignore what it does
        }

        if (!Forward(from, message, first, frames, body))
        {
            return false;
        }

        if (_capturing)
        {
            // As it came in (the NetMQ engine and zmq_proxy capture what the device receives); a queue's request
            // as its ROUTER would have received it, behind the client's routing id.
            Capture(message, first, _queue && from.Front ? from.Identity : null);
        }

        return true;
    }

    // Passes a message on, through the legs' modules if any; false when it must wait.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Forward(ZmtpPeer from, ReadOnlySpan<byte> message, ReadOnlySpan<byte> first, int frames, long body)
    {
        if (HasModules)
        {
            return RouteThroughModules(from, message, frames, body);
        }

        if (_queue)
        {
            return from.Front ? Request(from, message, body) : Reply(message, first, body);
        }

        if (!_forwarder)
        {
            ZmtpPeer? to = NextBackend();
            if (to is null)
            {
                return false;
            }

            to.Append(message, message: true);
            CountDown(body);
            return true;
        }

        if (from.Front)
        {
            // Published: to every subscriber it matches that has room (a full subscriber misses it, as with PUB).
            foreach (ZmtpPeer sub in _backs)
            {
                if (sub.Matches(first) && !sub.Full)
                {
                    sub.Append(message, message: true);
                }
            }

            CountDown(body);
            return true;
        }

        // Anything else from a subscriber goes to every publisher, as XSUB sends it.
        Upstream(message, body);
        return true;
    }

    // Round robin over the backend peers that have room.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ZmtpPeer? NextBackend()
    {
        int n = _backs.Count;
        for (int i = 0; i < n; i++)
        {
            int k = (_next + i) % n;
            ZmtpPeer peer = _backs[k];
            if (!peer.Full)
            {
                _next = k + 1;
                return peer;
            }
        }

        return null;
    }

    // Returns false for ERROR, after which the peer sends nothing more.
    private bool Command(ZmtpPeer peer, ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> name = ZmtpWire.CommandName(body, out int data);
        if (name.SequenceEqual("PING"u8) && body.Length >= data + 2)
        {
            // PONG with the PING's context (after its 2-byte TTL).
            ReadOnlySpan<byte> context = body[(data + 2)..];
            Span<byte> to = peer.GetSpace(ZmtpWire.HeaderSize(5 + context.Length) + 5 + context.Length);
            int h = ZmtpWire.WriteHeader(to, ZmtpWire.Command, 5 + context.Length);
            to[h] = 4;
            "PONG"u8.CopyTo(to[(h + 1)..]);
            context.CopyTo(to[(h + 5)..]);
            peer.Commit(to.Length, message: false);
        }
        else if (name.SequenceEqual("ERROR"u8))
        {
            return false;
        }
        else if (!peer.Front && (name.SequenceEqual("SUBSCRIBE"u8) || name.SequenceEqual("CANCEL"u8)))
        {
            if (peer.Capture)
            {
                if (_capturePub)
                {
                    CaptureSubscription(peer, name[0] == (byte)'S', body[data..]);
                }
            }
            else if (_forwarder)
            {
                Subscription(peer, name[0] == (byte)'S', body[data..]);
            }
        }

        return true;
    }

    // Room appeared downstream: route what the blocked peers hold (in the order they blocked).
    private void Unblock()
    {
        ZmtpPeer[] blocked = [.. _blocked];
        _blocked.Clear();
        foreach (ZmtpPeer peer in blocked)
        {
            if (peer.State == ZmtpPeer.Phase.Closed)
            {
                continue;
            }

            peer.Blocked = false;
            RouteMessages(peer);
            CloseIfDone(peer);
        }
    }

    // After a pause: route what every peer holds.
    private void RouteEverything()
    {
        _blocked.Clear();
        foreach (ZmtpPeer peer in _peers.ToArray())
        {
            if (peer.State == ZmtpPeer.Phase.Open)
            {
                peer.Blocked = false;
                RouteMessages(peer);
                CloseIfDone(peer);
            }
        }
    }

    // A message from the frontend to the backend, of this many bytes (its frames' sizes).
    private void CountDown(long bytes)
    {
        _frontIn++;
        _frontInBytes += bytes;
        _backOut++;
        _backOutBytes += bytes;
    }

    // A message from the backend to the frontend.
    private void CountUp(long bytes)
    {
        _backIn++;
        _backInBytes += bytes;
        _frontOut++;
        _frontOutBytes += bytes;
    }

    // The counters, once per wake-up and before its output leaves, so a peer that has a message sees it counted.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Publish()
    {
        Write(ref _frontLeg.MessagesIn, _frontIn);
        Write(ref _frontLeg.BytesIn, _frontInBytes);
        Write(ref _frontLeg.MessagesOut, _frontOut);
        Write(ref _frontLeg.BytesOut, _frontOutBytes);
        Write(ref _backLeg.MessagesIn, _backIn);
        Write(ref _backLeg.BytesIn, _backInBytes);
        Write(ref _backLeg.MessagesOut, _backOut);
        Write(ref _backLeg.BytesOut, _backOutBytes);

        static void Write(ref long field, long value)
        {
            if (field != value)
            {
                Volatile.Write(ref field, value);
            }
        }
    }
}
