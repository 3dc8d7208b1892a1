using System.Buffers.Binary;

namespace Streams.Transports.ZeroMq.Zmtp;

// A queue: ROUTER (clients) ↔ DEALER (workers), on the relay's thread.
internal sealed partial class ZmtpRelay
{
    private readonly Dictionary<byte[], ZmtpPeer> _identities = new(IdentityComparer.Instance);
    private uint _nextIdentity = (uint)Random.Shared.Next();

    // As libzmq's ROUTER: the Identity the client announced, unless it is empty, starts with a zero byte (those are
    // the router's own) or is taken; else five bytes, a zero and a counter.
    private void AssignIdentity(ZmtpPeer peer, byte[]? wanted)
    {
        byte[] id;
        if (wanted is { Length: > 0 and <= 255 } && wanted[0] != 0 && !_identities.ContainsKey(wanted))
        {
            id = wanted;
        }
        else
        {
            do
            {
                id = new byte[5];
                BinaryPrimitives.WriteUInt32BigEndian(id.AsSpan(1), _nextIdentity++);
            }
            while (_identities.ContainsKey(id));
        }

        peer.Identity = id;
        _identities[id] = peer;
    }

    private void ForgetIdentity(ZmtpPeer peer)
    {
        if (peer.Identity is { } id && _identities.TryGetValue(id, out ZmtpPeer? known) && known == peer)
        {
            _identities.Remove(id);
        }
    }

    // A client's request: to the next worker with room, behind a frame naming the client. False: no worker has
    // room (the client waits, as a DEALER's send does).
    private bool Request(ZmtpPeer from, ReadOnlySpan<byte> message, long body)
    {
        ZmtpPeer? to = NextBackend();
        if (to is null)
        {
            return false;
        }

        byte[] id = from.Identity!;
        WriteFrame(to, id, ZmtpWire.More, message: false);
        to.Append(message, message: true);
        CountDown(id.Length + body);
        return true;
    }

    // A worker's reply: its first frame names the client, the rest goes to it. A reply for a client that is gone
    // or full is dropped, as a ROUTER drops it (and counted as sent, as the NetMQ engine counts it).
    private bool Reply(ReadOnlySpan<byte> message, ReadOnlySpan<byte> first, long body)
    {
        CountUp(body);
        if ((message[0] & ZmtpWire.More) == 0)
        {
            return true; // nothing after the identity
        }

        int rest = ((message[0] & ZmtpWire.Long) != 0 ? 9 : 2) + first.Length;
        if (_identities.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(first, out ZmtpPeer? client) && !client.Ended && !client.Full)
        {
            client.Append(message[rest..], message: true);
        }

        return true;
    }

    /// <summary>Identities compared by content, looked up by span without a copy.</summary>
    private sealed class IdentityComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly IdentityComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = default(HashCode);
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
