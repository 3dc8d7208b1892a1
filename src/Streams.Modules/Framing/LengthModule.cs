using System.Buffers.Binary;
using Streams.Modules.Internal;

namespace Streams.Modules.Framing;

/// <summary>Length-prefixed framing: each message going down gets a header carrying its length; bytes coming up
/// are cut into one message per frame.</summary>
/// <remarks>
/// <para>The defaults (a 4-byte big-endian length that counts the payload only, header stripped on decode) are
/// wire-compatible with Twisted's <c>Int32StringReceiver</c> and with Netty's <c>LengthFieldPrepender(4)</c> /
/// <c>LengthFieldBasedFrameDecoder(max, 0, 4, 0, 4)</c>. The other options cover the usual variants, as in
/// Netty's <c>LengthFieldBasedFrameDecoder</c>.</para>
/// <para>Default, 4-byte big-endian length, header stripped:</para>
/// <code>
/// down, before (12 bytes)         after (16 bytes)
/// +----------------+              +--------------+----------------+
/// | "HELLO, WORLD" |  ----------> | 00 00 00 0C  | "HELLO, WORLD" |
/// +----------------+              +--------------+----------------+
///
/// up, before (16 bytes)                             after (12 bytes)
/// +--------------+----------------+                 +----------------+
/// | 00 00 00 0C  | "HELLO, WORLD" |  ------------>  | "HELLO, WORLD" |
/// +--------------+----------------+                 +----------------+
/// </code>
/// <para><c>--bytes 2 --offset 2 --includes-header --no-strip</c>: two header bytes (zeros on encode) before a
/// 2-byte length that counts the whole frame; the header is kept on decode:</para>
/// <code>
/// up, before (16 bytes)                         after (16 bytes)
/// +-------+--------+----------------+           +-------+--------+----------------+
/// | 00 00 | 00 10  | "HELLO, WORLD" |  ------>  | 00 00 | 00 10  | "HELLO, WORLD" |
/// +-------+--------+----------------+           +-------+--------+----------------+
/// </code>
/// <para><c>--bytes 2 --adjust 2</c> (like Netty's lengthAdjustment): the length counts the bytes after the
/// length field minus two; on decode those bytes after the field are the frame:</para>
/// <code>
/// up, before (16 bytes)                    after (14 bytes)
/// +--------+-------+----------------+      +-------+----------------+
/// | 00 0C  | CA FE | "HELLO, WORLD" | ---> | CA FE | "HELLO, WORLD" |
/// +--------+-------+----------------+      +-------+----------------+
/// </code>
/// <para>Errors (the stream fails with a <see cref="StreamException"/> naming this module and the frame's offset
/// in the bytes read): a length over <see cref="LengthOptions.MaxLength"/> (found from the header, before any of
/// the payload is buffered), a length smaller than the header it counts, and the stream ending inside a frame.
/// Going down, a message whose length does not fit the field fails the stream.</para>
/// <para>Frames are cut on the read side without copying when a message holds exactly one frame; partial
/// frames are kept in a pooled buffer that grows only up to the limit. On pop, a partial frame is passed up as
/// raw bytes. Flushes do not discard a partial frame (that would lose the framing).</para>
/// </remarks>
public sealed class LengthModule : StreamModule
{
    private readonly Decoder _decoder;

    /// <summary>Creates the module with <paramref name="options"/> (default: <see cref="LengthOptions"/>()).</summary>
    public LengthModule(LengthOptions? options = null)
        : base("length")
    {
        Options = options ?? new LengthOptions();
        _decoder = new Decoder(this);
    }

    /// <summary>The options.</summary>
    public LengthOptions Options { get; }

    /// <inheritdoc />
    protected override void OnWrite(StreamQueue queue, Message message)
    {
        if (message.Kind is not (MessageKind.Data or MessageKind.Proto))
        {
            queue.PutNext(message);
            return;
        }

        LengthOptions o = Options;
        int header = o.HeaderLength;
        long value = (long)message.Length - o.Adjust + (o.IncludesHeader ? header : 0);
        ulong fieldMax = o.LengthBytes == 8 ? ulong.MaxValue : (1UL << (8 * o.LengthBytes)) - 1;
        if (value < 0 || (ulong)value > fieldMax)
        {
            int length = message.Length;
            message.Release();
            throw new StreamException(Name, $"a message of {length} byte(s) gives length {value}, which a {o.LengthBytes}-byte length field cannot carry");
        }

        if (!message.TryPrepend(header, out Span<byte> span))
        {
            Message copy = queue.Pool.Rent(header + message.Length, message.Kind);
            copy.Band = message.Band;
            copy.Protocol = message.Protocol;
            message.Span.CopyTo(copy.WritableSpan[header..]);
            message.Release();
            message = copy;
            span = copy.WritableSpan[..header];
        }

        span[..o.Offset].Clear();
        WriteField(span[o.Offset..], (ulong)value, o);
        queue.PutNext(message);
    }

    /// <inheritdoc />
    protected override void OnRead(StreamQueue queue, Message message)
    {
        switch (message.Kind)
        {
            case MessageKind.Data or MessageKind.Proto:
                _decoder.Decode(queue, message);
                return;
            case MessageKind.Hangup when _decoder.HasPartial:
                message.Release();
                _decoder.CheckEnd();
                return;
            default:
                queue.PutNext(message);
                return;
        }
    }

    /// <inheritdoc />
    protected override void OnPopped(StreamQueue write, StreamQueue read)
    {
        if (_decoder.TakePartial(read.Pool) is { } partial)
        {
            read.PutNext(partial);
        }

        _decoder.Dispose();
    }

    private static void WriteField(Span<byte> field, ulong value, LengthOptions o)
    {
        switch (o.LengthBytes)
        {
            case 1:
                field[0] = (byte)value;
                break;
            case 2:
                if (o.LittleEndian) { BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)value); } else { BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)value); }
                break;
            case 4:
                if (o.LittleEndian) { BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)value); } else { BinaryPrimitives.WriteUInt32BigEndian(field, (uint)value); }
                break;
            default:
                if (o.LittleEndian) { BinaryPrimitives.WriteUInt64LittleEndian(field, value); } else { BinaryPrimitives.WriteUInt64BigEndian(field, value); }
                break;
        }
    }

    private static ulong ReadField(ReadOnlySpan<byte> field, LengthOptions o) => o.LengthBytes switch
    {
        1 => field[0],
        2 => o.LittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(field) : BinaryPrimitives.ReadUInt16BigEndian(field),
        4 => o.LittleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(field) : BinaryPrimitives.ReadUInt32BigEndian(field),
        _ => o.LittleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(field) : BinaryPrimitives.ReadUInt64BigEndian(field),
    };

    private sealed class Decoder(LengthModule module)
        : PrefixFrameDecoder(module, module.Options.HeaderLength, (long)module.Options.HeaderLength + module.Options.MaxLength)
    {
        protected override bool TryParse(ReadOnlySpan<byte> data, long offset, out FrameInfo frame)
        {
            LengthOptions o = module.Options;
            int header = o.HeaderLength;
            if (data.Length < header)
            {
                frame = default;
                return false;
            }

            ulong value = ReadField(data[o.Offset..], o);
            if (value > int.MaxValue)
            {
                throw new StreamException(Component, $"frame at offset {offset}: length {value} exceeds the limit of {o.MaxLength} bytes");
            }

            long body = (long)value + o.Adjust - (o.IncludesHeader ? header : 0);
            if (body < 0)
            {
                throw new StreamException(Component, $"frame at offset {offset}: length {value} is smaller than the header it counts");
            }

            if (body > o.MaxLength)
            {
                throw new StreamException(Component, $"frame at offset {offset}: length {value} exceeds the limit of {o.MaxLength} bytes");
            }

            int total = header + (int)body;
            frame = o.Strip ? new FrameInfo(total, header, (int)body) : new FrameInfo(total, 0, total);
            return true;
        }
    }
}

/// <summary>The options of <see cref="LengthModule"/>; each is validated when set.</summary>
public sealed record LengthOptions
{
    /// <summary>The largest <see cref="MaxLength"/> accepted: 1 GiB.</summary>
    public const int MaxLengthLimit = 1 << 30;

    /// <summary>The size of the length field: 1, 2, 4 or 8 bytes. Default 4.</summary>
    public int LengthBytes
    {
        get;
        init => field = value is 1 or 2 or 4 or 8 ? value : throw new ArgumentOutOfRangeException(nameof(LengthBytes), value, "the length field has 1, 2, 4 or 8 bytes");
    } = 4;

    /// <summary>Whether the length is little-endian. Default false (big-endian, network order).</summary>
    public bool LittleEndian { get; init; }

    /// <summary>The largest frame accepted on decode, counted as the bytes after the length field. Default 16 MiB,
    /// at most <see cref="MaxLengthLimit"/>.</summary>
    public int MaxLength
    {
        get;
        init => field = value is > 0 and <= MaxLengthLimit ? value : throw new ArgumentOutOfRangeException(nameof(MaxLength), value, $"the limit is 1 to {MaxLengthLimit} bytes");
    } = 16 * 1024 * 1024;

    /// <summary>Added to the length field's value to get the number of bytes after the field (Netty's
    /// lengthAdjustment); subtracted on encode. Default 0.</summary>
    public int Adjust
    {
        get;
        init => field = Math.Abs((long)value) <= MaxLengthLimit ? value : throw new ArgumentOutOfRangeException(nameof(Adjust), value, "the adjustment is too large");
    }

    /// <summary>Bytes of header before the length field (Netty's lengthFieldOffset): zeros on encode, skipped on
    /// decode. Default 0, at most 1024.</summary>
    public int Offset
    {
        get;
        init => field = value is >= 0 and <= 1024 ? value : throw new ArgumentOutOfRangeException(nameof(Offset), value, "the offset is 0 to 1024 bytes");
    }

    /// <summary>Whether the length counts the header (offset bytes and the field) too. Default false.</summary>
    public bool IncludesHeader { get; init; }

    /// <summary>Whether the header (offset bytes and the field) is removed on decode. Default true.</summary>
    public bool Strip { get; init; } = true;

    /// <summary>The header's size: <see cref="Offset"/> + <see cref="LengthBytes"/>.</summary>
    public int HeaderLength => Offset + LengthBytes;
}
