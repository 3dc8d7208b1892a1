namespace Streams.Transports.ZeroMq;

/// <summary>The ZeroMQ socket types the <c>zmq:</c> transport opens.</summary>
public enum ZeroMqSocketType : byte
{
    /// <summary>PAIR: one exclusive peer, both directions.</summary>
    Pair,

    /// <summary>DEALER: round-robin out, fair-queued in; carries envelopes.</summary>
    Dealer,

    /// <summary>ROUTER: the first frame of every message is the peer's identity.</summary>
    Router,

    /// <summary>PUSH: send only, round-robin to pullers; blocks (pends) when no peer has room.</summary>
    Push,

    /// <summary>PULL: receive only, fair-queued from pushers.</summary>
    Pull,

    /// <summary>PUB: send only; drops for subscribers that are full.</summary>
    Pub,

    /// <summary>SUB: receive only, filtered by subscriptions.</summary>
    Sub,

    /// <summary>XPUB: a PUB that receives subscription messages.</summary>
    XPub,

    /// <summary>XSUB: a SUB whose subscriptions are messages sent to it.</summary>
    XSub,

    /// <summary>REQ: strict send/receive alternation.</summary>
    Req,

    /// <summary>REP: strict receive/send alternation; the envelope is kept by the socket.</summary>
    Rep,
}
