using System.Globalization;
using Streams.Modules.Internal;

namespace Streams.Modules.Framing;

/// <summary>Netstring framing (D. J. Bernstein's <c>5:hello,</c>): each message going down becomes
/// <c>LENGTH ":" BYTES ","</c>; bytes coming up are cut into one message per netstring.</summary>
/// <remarks>
/// <para>Wire-compatible with Twisted's <c>NetstringReceiver</c>.</para>
/// <code>
/// down, before (5 bytes)       after (8 bytes)
/// +---------+                  +----+----+---------+----+
/// | "hello" |  ------------->  | 35 | 3A | "hello" | 2C |      "5:hello,"
/// +---------+                  +----+----+---------+----+
///
/// up, before (one message, 13 bytes)     after (three messages)
/// +-----------------+                     +-------+ +----+ +-----+
/// | "3:abc,0:,1:x," |  --------------->   | "abc" | | "" | | "x" |
/// +-----------------+                     +-------+ +----+ +-----+
/// </code>
/// <para>Errors (the stream fails with a <see cref="StreamException"/> naming this module and the offset of the
/// bad byte in the bytes read): a non-digit where the length should be, a leading zero (only <c>0:</c> may start
/// with 0), more digits than <see cref="NetstringOptions.MaxLength"/> has, a length over the maximum (refused
/// from the header, before buffering the payload), a missing <c>:</c> or <c>,</c>, and the stream ending inside
/// a netstring.</para>
/// </remarks>
public sealed class NetstringModule : StreamModule
{
    private readonly Decoder _decoder;

    /// <summary>Creates the module with <paramref name="options"/> (default: <see cref="NetstringOptions"/>()).</summary>
    public NetstringModule(NetstringOptions? options = null)
        : base("netstring")
    {
        Options = options ?? new NetstringOptions();
        _decoder = new Decoder(this);
    }

    /// <summary>The options.</summary>
    public NetstringOptions Options { get; }

    /// <inheritdoc />
    protected override void OnWrite(StreamQueue queue, Message message)
    {
        if (message.Kind is not (MessageKind.Data or MessageKind.Proto))
        {
            queue.PutNext(message);
            return;
        }

        Span<byte> digits = stackalloc byte[12];
        message.Length.TryFormat(digits, out int n, default, CultureInfo.InvariantCulture);
        digits[n++] = (byte)':';
        if (message.TryPrepend(n, out Span<byte> header) && message.TryAppend(1, out Span<byte> trailer))
        {
            digits[..n].CopyTo(header);
            trailer[0] = (byte)',';
        }
        else
        {
            if (header.Length == n)
            {
                message.TrimStart(n);
            }

            Message copy = queue.Pool.Rent(n + message.Length + 1, message.Kind);
            copy.Band = message.Band;
            copy.Protocol = message.Protocol;
            Span<byte> dst = copy.WritableSpan;
            digits[..n].CopyTo(dst);
            message.Span.CopyTo(dst[n..]);
            dst[^1] = (byte)',';
            message.Release();
            message = copy;
        }

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

    private static int DigitCount(int value) => value.ToString(CultureInfo.InvariantCulture).Length;

    private sealed class Decoder(NetstringModule module)
        : PrefixFrameDecoder(module, DigitCount(module.Options.MaxLength) + 1, DigitCount(module.Options.MaxLength) + 2L + module.Options.MaxLength)
    {
        protected override bool TryParse(ReadOnlySpan<byte> data, long offset, out FrameInfo frame)
        {
            frame = default;
            int maxDigits = HeaderLimit - 1;
            int i = 0;
            while (i < data.Length && i <= maxDigits && char.IsAsciiDigit((char)data[i]))
            {
                i++;
            }

            if (i > maxDigits)
            {
                throw new StreamException(Component, $"netstring at offset {offset}: the length has more than {maxDigits} digits (limit {module.Options.MaxLength} bytes)");
            }

            if (i >= 2 && data[0] == (byte)'0')
            {
                throw new StreamException(Component, $"netstring at offset {offset}: the length has a leading zero");
            }

            if (i == data.Length)
            {
                return false;
            }

            if (i == 0)
            {
                throw new StreamException(Component, $"netstring at offset {offset}: expected a digit, found 0x{data[0]:X2}");
            }

            if (data[i] != (byte)':')
            {
                throw new StreamException(Component, $"netstring at offset {offset}: expected ':' at offset {offset + i}, found 0x{data[i]:X2}");
            }

            long length = long.Parse(data[..i], NumberStyles.None, CultureInfo.InvariantCulture);
            if (length > module.Options.MaxLength)
            {
                throw new StreamException(Component, $"netstring at offset {offset}: length {length} exceeds the limit of {module.Options.MaxLength} bytes");
            }

            frame = new FrameInfo(i + 1 + (int)length + 1, i + 1, (int)length);
            return true;
        }

        protected override void CheckFrame(ReadOnlySpan<byte> frame, long offset)
        {
            if (frame[^1] != (byte)',')
            {
                throw new StreamException(Component, $"netstring at offset {offset}: expected ',' at offset {offset + frame.Length - 1}, found 0x{frame[^1]:X2}");
            }
        }
    }
}

/// <summary>The options of <see cref="NetstringModule"/>; validated when set.</summary>
public sealed record NetstringOptions
{
    /// <summary>The largest payload accepted on decode. Default 16 MiB, at most 1 GiB. (Twisted's
    /// <c>NetstringReceiver</c> accepts 99 999 by default.)</summary>
    public int MaxLength
    {
        get;
        init => field = value is > 0 and <= 1 << 30 ? value : throw new ArgumentOutOfRangeException(nameof(MaxLength), value, "the limit is 1 byte to 1 GiB");
    } = 16 * 1024 * 1024;
}
