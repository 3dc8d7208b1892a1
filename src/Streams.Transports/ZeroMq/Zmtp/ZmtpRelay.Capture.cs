using System.Runtime.CompilerServices;

namespace Streams.Transports.ZeroMq.Zmtp;

// The capture socket (ZeroMqDeviceOptions.Capture), on the relay's thread: a copy of every message the device
// receives and passes on, to the capture peers as a PUB socket (every subscriber whose subscriptions match) or a
// PUSH socket (the next one with room) sends it. A copy nobody can take at once is dropped and counted; capture
// never holds the device back.
internal sealed partial class ZmtpRelay
{
    private readonly List<ZmtpPeer> _captures = [];
    private readonly string _captureType;
    private bool _capturing;
    private readonly bool _capturePub;
    private long _captureDropped;
    private int _nextCapture;

    /// <summary>Capture copies dropped because no capture peer could take them (a PUSH capture socket with every
    /// peer full, or none connected). A PUB capture socket drops silently for a full subscriber, as PUB does.</summary>
    public long CaptureDropped => Interlocked.Read(ref _captureDropped);

    // A copy of one message (its frames with their headers), behind a routing id frame when there is one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Capture(ReadOnlySpan<byte> message, ReadOnlySpan<byte> first, byte[]? id)
    {
        if (_capturePub)
        {
            ReadOnlySpan<byte> topic = id ?? first;
            foreach (ZmtpPeer sub in _captures)
            {
                if (sub.Matches(topic) && !sub.Full)
                {
                    CaptureTo(sub, message, id);
                }
            }

            return;
        }

        int n = _captures.Count;
        for (int i = 0; i < n; i++)
        {
            int k = (_nextCapture + i) % n;
            ZmtpPeer peer = _captures[k];
            if (!peer.Full)
            {
                _nextCapture = k + 1;
                CaptureTo(peer, message, id);
                return;
            }
        }

        Interlocked.Increment(ref _captureDropped);
    }

    private static void CaptureTo(ZmtpPeer to, ReadOnlySpan<byte> message, byte[]? id)
    {
        if (id is not null)
        {
            WriteFrame(to, id, ZmtpWire.More, message: false);
        }

        to.Append(message, message: true);
    }

    // A subscription change a forwarder passes upstream is captured too, as the one-frame message XSUB sends.
    private void CaptureSubscriptionChange(bool on, ReadOnlySpan<byte> topic)
    {
        if (!_capturing)
        {
            return;
        }

        int size = 1 + topic.Length;
        Span<byte> frame = size <= 256 ? stackalloc byte[ZmtpWire.HeaderSize(size) + size] : new byte[ZmtpWire.HeaderSize(size) + size];
        int h = ZmtpWire.WriteHeader(frame, 0, size);
        frame[h] = on ? (byte)1 : (byte)0;
        topic.CopyTo(frame[(h + 1)..]);
        Capture(frame, frame.Slice(h, size), id: null);
    }

    // A capture subscriber's SUBSCRIBE or CANCEL: its own set, which goes nowhere else.
    private static void CaptureSubscription(ZmtpPeer peer, bool on, ReadOnlySpan<byte> topic)
    {
        List<byte[]> topics = peer.Topics!;
        int index = IndexOf(topics, topic);
        if (on && index < 0)
        {
            topics.Add(topic.ToArray());
        }
        else if (!on && index >= 0)
        {
            topics.RemoveAt(index);
        }
    }
}
