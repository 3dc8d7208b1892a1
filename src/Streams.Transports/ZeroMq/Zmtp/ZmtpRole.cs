namespace Streams.Transports.ZeroMq.Zmtp;

/// <summary>The socket of a device a relay's peer connected to.</summary>
internal enum ZmtpRole : byte
{
    /// <summary>The frontend (PULL, XSUB, ROUTER).</summary>
    Front,

    /// <summary>The backend (PUSH, XPUB, DEALER).</summary>
    Back,

    /// <summary>The capture socket (PUB or PUSH): a copy of every message that crosses the device.</summary>
    Capture,
}
