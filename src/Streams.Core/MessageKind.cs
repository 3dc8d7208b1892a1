namespace Streams;

/// <summary>What a <see cref="Message"/> means (the STREAMS message types).</summary>
public enum MessageKind : byte
{
    /// <summary>Ordinary bytes, both directions (M_DATA).</summary>
    Data,

    /// <summary>Bytes plus protocol control information in <see cref="Message.Protocol"/>, such as a frame header
    /// or a ZeroMQ envelope, both directions (M_PROTO).</summary>
    Proto,

    /// <summary>A request travelling down to whoever handles it, answered by <see cref="Ack"/> or
    /// <see cref="Nak"/> travelling up with the same <see cref="Message.ControlId"/> (M_IOCTL).</summary>
    Control,

    /// <summary>A positive answer to a <see cref="Control"/>, travelling up (M_IOCACK).</summary>
    Ack,

    /// <summary>A negative answer to a <see cref="Control"/>, travelling up (M_IOCNAK).</summary>
    Nak,

    /// <summary>Discard what is queued on the sides named by <see cref="Message.FlushSides"/>; the driver turns a
    /// write flush around (M_FLUSH).</summary>
    Flush,

    /// <summary>Going up: the far end is gone, after all data that preceded it (M_HANGUP). Going down: the writer
    /// has finished (a half-close), after all data that preceded it.</summary>
    Hangup,

    /// <summary>The stream failed; carries <see cref="Message.Error"/> and the name of the component that raised
    /// it, travelling up (M_ERROR).</summary>
    Error,
}

/// <summary>Which queues a <see cref="MessageKind.Flush"/> empties.</summary>
[Flags]
public enum FlushSides : byte
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>The read side (driver → head).</summary>
    Read = 1,

    /// <summary>The write side (head → driver).</summary>
    Write = 2,

    /// <summary>Both sides.</summary>
    Both = Read | Write,
}

/// <summary>The first reason a stream ended, kept by the head (compare Pipelines.Sockets.Unofficial's
/// PipeShutdownKind).</summary>
public enum HangupKind : byte
{
    /// <summary>The stream has not ended.</summary>
    None,

    /// <summary>The far end closed normally (end of file, FIN).</summary>
    PeerClosed,

    /// <summary>The local side closed the stream.</summary>
    LocalClose,

    /// <summary>The stream was aborted.</summary>
    Aborted,

    /// <summary>A module or driver failed; see <see cref="StreamHead.Error"/>.</summary>
    Error,

    /// <summary>The peer stopped answering (a heartbeat timed out).</summary>
    Timeout,

    /// <summary>The transport was reset by the peer.</summary>
    Reset,
}
