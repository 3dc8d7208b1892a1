using System.Text;

namespace Streams.Transports.ZeroMq.Zmtp;

// A forwarder's subscriptions, on the relay's thread: a set per subscriber, their union sent to every publisher.
internal sealed partial class ZmtpRelay
{
    private readonly Dictionary<string, int> _subscriptions = new(StringComparer.Ordinal);

    // A subscriber's SUBSCRIBE or CANCEL, or a new publisher learning the current ones (then `peer` is it).
    private void Subscription(ZmtpPeer peer, bool on, ReadOnlySpan<byte> topic)
    {
        if (peer.Front)
        {
            SendSubscription(peer, on, topic);
            return;
        }

        string key = Encoding.Latin1.GetString(topic);
        List<byte[]> topics = peer.Topics!;
        int index = IndexOf(topics, topic);
        if (on)
        {
            if (index >= 0)
            {
                return; // already subscribed: XPUB keeps a set per peer
            }

            topics.Add(topic.ToArray());
            int count = _subscriptions.GetValueOrDefault(key) + 1;
            _subscriptions[key] = count;
            if (count == 1)
            {
                Announce(on: true, topic);
            }

            return;
        }

        if (index >= 0)
        {
            topics.RemoveAt(index);
            Forget(key, topic);
        }
    }

    private static int IndexOf(List<byte[]> topics, ReadOnlySpan<byte> topic)
    {
        for (int i = 0; i < topics.Count; i++)
        {
            if (topics[i].AsSpan().SequenceEqual(topic))
            {
                return i;
            }
        }

        return -1;
    }

    // A subscriber left: its subscriptions go (and upstream, those nobody else holds).
    private void Unsubscribe(ZmtpPeer peer)
    {
        if (peer.Topics is null)
        {
            return;
        }

        foreach (byte[] topic in peer.Topics)
        {
            Forget(Encoding.Latin1.GetString(topic), topic);
        }

        peer.Topics.Clear();
    }

    private void Forget(string key, ReadOnlySpan<byte> topic)
    {
        int count = _subscriptions.GetValueOrDefault(key) - 1;
        if (count > 0)
        {
            _subscriptions[key] = count;
            return;
        }

        _subscriptions.Remove(key);
        Announce(on: false, topic);
    }

    // A subscription change every publisher must hear (counted as a message up through the device).
    private void Announce(bool on, ReadOnlySpan<byte> topic)
    {
        foreach (ZmtpPeer pub in _fronts)
        {
            SendSubscription(pub, on, topic);
        }

        CountUp(1 + topic.Length);
        CaptureSubscriptionChange(on, topic);
    }

    private static void SendSubscription(ZmtpPeer pub, bool on, ReadOnlySpan<byte> topic)
    {
        int size = 1 + topic.Length;
        Span<byte> to = pub.GetSpace(ZmtpWire.HeaderSize(size) + size);
        int h = ZmtpWire.WriteHeader(to, 0, size);
        to[h] = on ? (byte)1 : (byte)0;
        topic.CopyTo(to[(h + 1)..]);
        pub.Commit(to.Length, message: false);
    }

    private void Upstream(ReadOnlySpan<byte> message, long body)
    {
        foreach (ZmtpPeer pub in _fronts)
        {
            pub.Append(message, message: false);
        }

        CountUp(body);
    }
}
