using System.Collections.Concurrent;
using Streams.Transports.ZeroMq.Internal;

namespace Streams.Transports.ZeroMq.Zmtp;

// Legs with modules (ZeroMqDeviceOptions.FrontendModule/BackendModule), on the relay's thread: a message that
// crosses such a leg becomes a stream message (body and envelope, as the zmq: transport makes it), goes up through
// the source leg's modules and down through the destination leg's, and what comes out is framed again for the
// peer it is routed to. Messages waiting for a destination wait in the direction's outbox; while one does, the
// sources of that direction are not read.
internal sealed partial class ZmtpRelay
{
    private readonly ConcurrentQueue<Message> _downOutbox = new();
    private readonly ConcurrentQueue<Message> _upOutbox = new();

    /// <summary>Wakes the relay's thread (a leg module produced output on another thread).</summary>
    public void Poke() => Wake();

    private void ReleaseOutboxes()
    {
        foreach (ConcurrentQueue<Message> outbox in new[] { _downOutbox, _upOutbox })
        {
            while (outbox.TryDequeue(out Message? m))
            {
                m.Release();
            }
        }
    }

    private bool HasModules => _frontLeg.Modules is not null || _backLeg.Modules is not null;

    // A message for a direction with modules. False: the direction's outbox is not empty (the source waits).
    private bool RouteThroughModules(ZmtpPeer from, ReadOnlySpan<byte> message, int frames, long body)
    {
        bool down = from.Front;
        ConcurrentQueue<Message> outbox = down ? _downOutbox : _upOutbox;
        if (!DrainOutbox(down))
        {
            return false;
        }

        DeviceLeg source = down ? _frontLeg : _backLeg;
        DeviceLegStream? up = source.Modules, after = (down ? _backLeg : _frontLeg).Modules;
        Message m = ToStreamMessage(from, message, frames, body);
        if (down)
        {
            _frontIn++;
            _frontInBytes += body + (from.Identity?.Length ?? 0);
        }
        else
        {
            _backIn++;
            _backInBytes += body;
        }

        if (up is null)
        {
            Pass(m, after, outbox);
        }
        else
        {
            up.SetOwner(Thread.CurrentThread);
            up.PutUp(m);
            while (up.TryReadUp(out Message? passed))
            {
                Pass(passed!, after, outbox);
            }
        }

        DrainOutbox(down);
        return true;
    }

    private static void Pass(Message message, DeviceLegStream? after, ConcurrentQueue<Message> outbox)
    {
        if (message.Kind is not (MessageKind.Data or MessageKind.Proto))
        {
            message.Release();
        }
        else if (after is not null)
        {
            after.SetOwner(Thread.CurrentThread);
            after.WriteDown(message);
        }
        else
        {
            outbox.Enqueue(message);
        }
    }

    // Sends what waits for a direction; false while something still waits.
    private bool DrainOutbox(bool down)
    {
        ConcurrentQueue<Message> outbox = down ? _downOutbox : _upOutbox;
        if ((down ? _backLeg.Modules : _frontLeg.Modules) is { } after)
        {
            while (after.Out.TryDequeue(out Message? m))
            {
                outbox.Enqueue(m);
            }
        }

        while (outbox.TryPeek(out Message? m))
        {
            if (!SendStreamMessage(down, m))
            {
                return false;
            }

            outbox.TryDequeue(out _);
            m.Release();
        }

        return true;
    }

    // Both directions, once a turn: output that leg modules made on other threads.
    private void DrainOutboxes()
    {
        if (!HasModules)
        {
            return;
        }

        bool freed = DrainOutbox(down: true) & DrainOutbox(down: false);
        if (freed && _blocked.Count != 0 && !_pausedHere)
        {
            Unblock();
        }
    }

    // The frames of a raw message as a stream message: the last frame is the body, the ones before the envelope
    // (with a queue's client id first, as a ROUTER socket hands it over).
    private Message ToStreamMessage(ZmtpPeer from, ReadOnlySpan<byte> message, int frames, long body)
    {
        var envelope = new List<byte[]>(frames);
        if (_queue && from.Front)
        {
            envelope.Add(from.Identity!);
        }

        ReadOnlySpan<byte> last = default;
        while (!message.IsEmpty)
        {
            int h = ZmtpWire.ReadHeader(message, out byte flags, out long size);
            ReadOnlySpan<byte> frame = message.Slice(h, (int)size);
            message = message[(h + (int)size)..];
            if ((flags & ZmtpWire.More) != 0)
            {
                envelope.Add(frame.ToArray());
            }
            else
            {
                last = frame;
            }
        }

        Message m = _pool.Rent(last.Length, envelope.Count == 0 ? MessageKind.Data : MessageKind.Proto);
        if (envelope.Count != 0)
        {
            m.Protocol = ZeroMqEnvelope.Wrap([.. envelope]);
        }

        last.CopyTo(m.WritableSpan);
        return m;
    }

    // Frames a stream message for the peer its direction routes it to; false when none can take it now.
    private bool SendStreamMessage(bool down, Message m)
    {
        ZeroMqEnvelope? envelope = m.Kind == MessageKind.Proto ? m.Protocol as ZeroMqEnvelope : null;
        int frames = envelope?.Count ?? 0;
        long size = m.Length;
        for (int i = 0; i < frames; i++)
        {
            size += envelope![i].Length;
        }

        int skip = 0;
        if (down)
        {
            if (_forwarder)
            {
                ReadOnlySpan<byte> first = frames != 0 ? envelope![0].Span : m.Span;
                foreach (ZmtpPeer sub in _backs)
                {
                    if (sub.Matches(first) && !sub.Full)
                    {
                        WriteFrames(sub, envelope, 0, m);
                    }
                }
            }
            else
            {
                if (NextBackend() is not { } to)
                {
                    return false;
                }

                WriteFrames(to, envelope, 0, m);
            }

            _backOut++;
            _backOutBytes += size;
            return true;
        }

        if (_queue)
        {
            // The first frame names the client (a reply without one is dropped, as a ROUTER drops it).
            skip = 1;
            if (frames != 0 && _identities.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(envelope![0].Span, out ZmtpPeer? client) && !client.Ended && !client.Full)
            {
                WriteFrames(client, envelope, skip, m);
            }
        }
        else
        {
            foreach (ZmtpPeer pub in _fronts)
            {
                WriteFrames(pub, envelope, 0, m);
            }
        }

        _frontOut++;
        _frontOutBytes += size;
        return true;
    }

    private static void WriteFrames(ZmtpPeer to, ZeroMqEnvelope? envelope, int skip, Message m)
    {
        for (int i = skip; i < (envelope?.Count ?? 0); i++)
        {
            WriteFrame(to, envelope![i].Span, ZmtpWire.More, message: false);
        }

        WriteFrame(to, m.Span, 0, message: true);
    }

    private static void WriteFrame(ZmtpPeer to, ReadOnlySpan<byte> frame, byte flags, bool message)
    {
        Span<byte> space = to.GetSpace(ZmtpWire.HeaderSize(frame.Length) + frame.Length);
        int h = ZmtpWire.WriteHeader(space, flags, frame.Length);
        frame.CopyTo(space[h..]);
        to.Commit(space.Length, message);
    }
}
