using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace Streams;

/// <summary>The unit that travels along a stream: a <see cref="MessageKind"/>, an optional priority band and,
/// for data, a pooled payload.</summary>
/// <remarks>
/// <para><b>Ownership.</b> A message has exactly one owner. Whoever holds it either passes it on (a put,
/// <c>PutNext</c>, <c>Reply</c>, <c>WriteAsync</c>: ownership moves with it) or calls <see cref="Release"/>,
/// which returns the payload and the message object to their <see cref="MessagePool"/>. Touching a message after
/// passing it on or releasing it is a bug; releasing twice throws.</para>
/// <para>The payload is one contiguous pooled buffer with head room and tail room, so a framer can prepend a
/// header (<see cref="TryPrepend"/>) or append a trailer (<see cref="TryAppend"/>) without copying.</para>
/// <para>Messages are not thread-safe: one owner at a time.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class Message
{
    internal byte[]? _buffer;
    internal int _offset;
    internal int _length;
    internal MessagePool? _pool;
    internal bool _live;

    internal Message()
    {
    }

    /// <summary>What the message means.</summary>
    public MessageKind Kind { get; internal set; }

    /// <summary>The priority band: 0 for ordinary data; a higher band overtakes queued messages of lower bands
    /// but never reorders within its own band, and is never held back by flow control.</summary>
    public byte Band { get; set; }

    /// <summary>The number of payload bytes.</summary>
    public int Length => _length;

    /// <summary>Whether flow control counts and may hold back this message (ordinary-band data and protocol
    /// messages).</summary>
    public bool IsFlowControlled => Band == 0 && Kind is MessageKind.Data or MessageKind.Proto;

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer is null ? default : new ReadOnlyMemory<byte>(_buffer, _offset, _length);

    /// <summary>The payload as a span.</summary>
    public ReadOnlySpan<byte> Span => _buffer is null ? default : new ReadOnlySpan<byte>(_buffer, _offset, _length);

    /// <summary>The payload as a sequence, for parsers that use the consumed/examined protocol.</summary>
    public ReadOnlySequence<byte> Sequence => new(Memory);

    /// <summary>The payload, writable by the owner.</summary>
    public Memory<byte> WritableMemory => _buffer is null ? default : new Memory<byte>(_buffer, _offset, _length);

    /// <summary>The payload as a writable span.</summary>
    public Span<byte> WritableSpan => _buffer is null ? default : new Span<byte>(_buffer, _offset, _length);

    /// <summary>Protocol control information of a <see cref="MessageKind.Proto"/> message (for example the
    /// ZeroMQ envelope frames, a header), or the argument of a <see cref="MessageKind.Control"/>, or the value of
    /// an <see cref="MessageKind.Ack"/>.</summary>
    public object? Protocol { get; set; }

    /// <summary>The request of a <see cref="MessageKind.Control"/> (such as <c>heartbeat.ping</c>), echoed by its
    /// answer.</summary>
    public string? Command { get; internal set; }

    /// <summary>Matches an <see cref="MessageKind.Ack"/> or <see cref="MessageKind.Nak"/> to its request.</summary>
    public long ControlId { get; internal set; }

    /// <summary>The sides a <see cref="MessageKind.Flush"/> empties.</summary>
    public FlushSides FlushSides { get; set; }

    /// <summary>Why a <see cref="MessageKind.Hangup"/> happened.</summary>
    public HangupKind Hangup { get; internal set; }

    /// <summary>The failure of an <see cref="MessageKind.Error"/> or <see cref="MessageKind.Nak"/>.</summary>
    public Exception? Error { get; internal set; }

    /// <summary>The module or driver that raised an <see cref="MessageKind.Error"/>, or answered a control.</summary>
    public string? Origin { get; internal set; }

    /// <summary>The pool the message returns to.</summary>
    public MessagePool Pool => _pool ?? MessagePool.Shared;

    /// <summary>Returns the payload and the message to the pool. The caller must own the message.</summary>
    /// <exception cref="InvalidOperationException">The message was already released.</exception>
    public void Release()
    {
        if (!_live)
        {
            ThrowHelper.ThrowDoubleRelease();
        }

        (_pool ?? MessagePool.Shared).Return(this);
    }

    /// <summary>Drops <paramref name="count"/> bytes from the start of the payload without copying.</summary>
    public void TrimStart(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _length);
        _offset += count;
        _length -= count;
    }

    /// <summary>Keeps only the first <paramref name="length"/> bytes of the payload.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        _length = length;
    }

    /// <summary>Grows the payload at its start by <paramref name="count"/> bytes when the buffer has head room,
    /// and gives the new bytes to fill.</summary>
    public bool TryPrepend(int count, out Span<byte> header)
    {
        if (_buffer is not null && count >= 0 && _offset >= count)
        {
            _offset -= count;
            _length += count;
            header = new Span<byte>(_buffer, _offset, count);
            return true;
        }

        header = default;
        return false;
    }

    /// <summary>Grows the payload at its end by <paramref name="count"/> bytes when the buffer has tail room, and
    /// gives the new bytes to fill.</summary>
    public bool TryAppend(int count, out Span<byte> trailer)
    {
        if (_buffer is not null && count >= 0 && _buffer.Length - _offset - _length >= count)
        {
            trailer = new Span<byte>(_buffer, _offset + _length, count);
            _length += count;
            return true;
        }

        trailer = default;
        return false;
    }

    /// <summary>The payload as Latin-1 text (every byte one char), for tracing and tests.</summary>
    public string ToText() => Encoding.Latin1.GetString(Span);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        MessageKind.Data or MessageKind.Proto => $"{Kind}[{_length}]{(Band != 0 ? $" band {Band}" : string.Empty)}",
        MessageKind.Control or MessageKind.Ack or MessageKind.Nak => $"{Kind} #{ControlId} {Command}",
        MessageKind.Flush => $"Flush {FlushSides}",
        MessageKind.Hangup => $"Hangup {Hangup}",
        _ => $"Error from {Origin}: {Error?.Message}",
    };

    internal void Reset()
    {
        _buffer = null;
        _offset = 0;
        _length = 0;
        Band = 0;
        Protocol = null;
        Command = null;
        ControlId = 0;
        FlushSides = FlushSides.None;
        Hangup = HangupKind.None;
        Error = null;
        Origin = null;
    }
}
