using System.Globalization;
using System.Text;
using Streams.Modules.Internal;

namespace Streams.Modules.Framing;

/// <summary>Delimiter framing: each message going down gets the delimiter appended; bytes coming up are cut at
/// every delimiter into one message each, the delimiter removed (Netty's <c>DelimiterBasedFrameDecoder</c> with
/// stripDelimiter).</summary>
/// <remarks>
/// <para><c>delimiter --delimiter '\r\n\r\n'</c>:</para>
/// <code>
/// down, before (3 bytes)        after (7 bytes)
/// +-------+                     +-------+-------------+
/// | "abc" |  --------------->   | "abc" | 0D 0A 0D 0A |
/// +-------+                     +-------+-------------+
///
/// up, before (two messages)                          after (two messages)
/// +-------------+------------------------+            +-------+ +------+
/// | "abc" 0D 0A | 0D 0A "de" 0D 0A 0D 0A |  ------->  | "abc" | | "de" |
/// +-------------+------------------------+            +-------+ +------+
/// </code>
/// <para>A delimiter may straddle two messages. A frame longer than <see cref="DelimiterOptions.MaxLength"/>
/// fails the stream with a <see cref="StreamException"/> naming this module and the frame's offset in the bytes
/// read, as soon as that many bytes arrived without a delimiter (nothing past the maximum is buffered). When the
/// far end hangs up, a final frame without a delimiter is passed up before the hangup. A message going down that
/// itself contains the delimiter is not escaped.</para>
/// </remarks>
public sealed class DelimiterModule : StreamModule
{
    private readonly DelimiterDecoder _decoder;
    private readonly byte[] _delimiter;

    /// <summary>Creates the module with <paramref name="options"/> (default: a newline, 64 KiB frames).</summary>
    public DelimiterModule(DelimiterOptions? options = null)
        : base("delimiter")
    {
        Options = options ?? new DelimiterOptions();
        _delimiter = Options.Delimiter.ToArray();
        _decoder = new DelimiterDecoder(this, _delimiter, Options.MaxLength, stripCr: false, what: "frame");
    }

    /// <summary>The options.</summary>
    public DelimiterOptions Options { get; }

    /// <inheritdoc />
    protected override void OnWrite(StreamQueue queue, Message message) => DelimiterDecoder.Encode(queue, message, _delimiter);

    /// <inheritdoc />
    protected override void OnRead(StreamQueue queue, Message message) => _decoder.OnRead(queue, message);

    /// <inheritdoc />
    protected override void OnPopped(StreamQueue write, StreamQueue read) => _decoder.Leave(read);
}

/// <summary>The options of <see cref="DelimiterModule"/>; validated when set.</summary>
public sealed record DelimiterOptions
{
    /// <summary>The delimiter bytes, 1 to 64 of them. Default a newline (0x0A).</summary>
    public ReadOnlyMemory<byte> Delimiter
    {
        get;
        init => field = value.Length is > 0 and <= 64 ? value : throw new ArgumentOutOfRangeException(nameof(Delimiter), value.Length, "the delimiter has 1 to 64 bytes");
    } = new byte[] { (byte)'\n' };

    /// <summary>The longest frame accepted on decode, without its delimiter. Default 64 KiB, at most 1 GiB.</summary>
    public int MaxLength
    {
        get;
        init => field = value is > 0 and <= 1 << 30 ? value : throw new ArgumentOutOfRangeException(nameof(MaxLength), value, "the limit is 1 byte to 1 GiB");
    } = 64 * 1024;

    /// <summary>Turns text with the escapes <c>\n \r \t \0 \\ \xHH</c> into bytes (other characters as UTF-8).</summary>
    /// <exception cref="FormatException">A malformed escape.</exception>
    public static byte[] ParseEscapes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\')
            {
                int n = Encoding.UTF8.GetBytes(text.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1), utf8);
                i += n == 4 ? 1 : 0;
                for (int j = 0; j < n; j++)
                {
                    bytes.Add(utf8[j]);
                }

                continue;
            }

            if (++i >= text.Length)
            {
                throw new FormatException("a backslash ends the delimiter");
            }

            switch (text[i])
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case '0': bytes.Add(0); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case 'x' when i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b):
                    bytes.Add(b);
                    i += 2;
                    break;
                default:
                    throw new FormatException($"unknown escape '\\{text[i]}' in the delimiter (use \\n \\r \\t \\0 \\\\ \\xHH)");
            }
        }

        return [.. bytes];
    }
}

/// <summary>The decoder shared by <see cref="DelimiterModule"/> and <see cref="LineModule"/>.</summary>
internal sealed class DelimiterDecoder
{
    private readonly StreamModule _owner;
    private readonly byte[] _delimiter;
    private readonly int _max;
    private readonly bool _stripCr;
    private readonly string _what;
    private readonly FrameBuffer _buffer;
    private long _start;

    public DelimiterDecoder(StreamModule owner, byte[] delimiter, int max, bool stripCr, string what)
    {
        _owner = owner;
        _delimiter = delimiter;
        _max = max;
        _stripCr = stripCr;
        _what = what;
        _buffer = new FrameBuffer((int)Math.Min((long)max + delimiter.Length - 1 + (stripCr ? 1 : 0), Array.MaxLength));
    }

    /// <summary>Appends <paramref name="delimiter"/> to a data message and passes it on.</summary>
    public static void Encode(StreamQueue queue, Message message, ReadOnlySpan<byte> delimiter)
    {
        if (message.Kind is MessageKind.Data or MessageKind.Proto)
        {
            if (message.TryAppend(delimiter.Length, out Span<byte> trailer))
            {
                delimiter.CopyTo(trailer);
            }
            else
            {
                Message copy = queue.Pool.Rent(message.Length + delimiter.Length, message.Kind);
                copy.Band = message.Band;
                copy.Protocol = message.Protocol;
                message.Span.CopyTo(copy.WritableSpan);
                delimiter.CopyTo(copy.WritableSpan[message.Length..]);
                message.Release();
                message = copy;
            }
        }

        queue.PutNext(message);
    }

    public void OnRead(StreamQueue queue, Message message)
    {
        switch (message.Kind)
        {
            case MessageKind.Data or MessageKind.Proto:
                Decode(queue, message);
                return;
            case MessageKind.Hangup when !_buffer.IsEmpty:
                // The far end is gone: its last, unterminated frame goes up before the hangup.
                ReadOnlySpan<byte> last = _buffer.Span;
                if (_stripCr && last[^1] == (byte)'\r')
                {
                    last = last[..^1];
                }

                Message tail = queue.Pool.Data(last);
                _start += _buffer.Length;
                _buffer.Clear();
                queue.PutNext(tail);
                queue.PutNext(message);
                return;
            default:
                queue.PutNext(message);
                return;
        }
    }

    public void Leave(StreamQueue read)
    {
        if (!_buffer.IsEmpty)
        {
            read.PutNext(_buffer.TakeMessage(read.Pool));
        }

        _buffer.Dispose();
    }

    private void Decode(StreamQueue queue, Message message)
    {
        ReadOnlySpan<byte> delimiter = _delimiter;
        int k = delimiter.Length;
        ReadOnlySpan<byte> span = message.Span;
        int pos = 0;
        try
        {
            if (!_buffer.IsEmpty)
            {
                int end = FindEnd(span);
                if (end < 0)
                {
                    CheckPartial(_buffer.Length + span.Length);
                    _buffer.Append(span);
                    return;
                }

                ReadOnlySpan<byte> held = _buffer.Span;
                int lineLength = held.Length + end - k;
                int content = lineLength;
                if (_stripCr && content > 0 && (content <= held.Length ? held[content - 1] : span[content - held.Length - 1]) == (byte)'\r')
                {
                    content--;
                }

                CheckLength(content);
                Message frame = queue.Pool.Rent(content);
                Span<byte> dst = frame.WritableSpan;
                int fromHeld = Math.Min(content, held.Length);
                held[..fromHeld].CopyTo(dst);
                span[..(content - fromHeld)].CopyTo(dst[fromHeld..]);
                _start += lineLength + k;
                _buffer.Clear();
                pos = end;
                queue.PutNext(frame);
            }

            while (pos < span.Length)
            {
                int idx = span[pos..].IndexOf(delimiter);
                if (idx < 0)
                {
                    break;
                }

                int content = idx;
                if (_stripCr && content > 0 && span[pos + content - 1] == (byte)'\r')
                {
                    content--;
                }

                CheckLength(content);
                if (pos == 0 && idx + k == span.Length)
                {
                    _start += idx + k;
                    message.Truncate(content);
                    Message whole = message;
                    message = null!;
                    queue.PutNext(whole);
                    return;
                }

                queue.PutNext(queue.Pool.Data(span.Slice(pos, content)));
                _start += idx + k;
                pos += idx + k;
            }

            CheckPartial(span.Length - pos);
            _buffer.Append(span[pos..]);
        }
        finally
        {
            message?.Release();
        }
    }

    // The end (exclusive, in span) of the first delimiter in held bytes + span, or -1.
    private int FindEnd(ReadOnlySpan<byte> span)
    {
        ReadOnlySpan<byte> delimiter = _delimiter;
        ReadOnlySpan<byte> held = _buffer.Span;
        int k = delimiter.Length;
        for (int j = 0; j < k - 1 && j < span.Length; j++)
        {
            int fromHeld = k - 1 - j;
            if (fromHeld <= held.Length && held[^fromHeld..].SequenceEqual(delimiter[..fromHeld]) && span[..(j + 1)].SequenceEqual(delimiter[fromHeld..]))
            {
                return j + 1;
            }
        }

        int idx = span.IndexOf(delimiter);
        return idx < 0 ? -1 : idx + k;
    }

    private void CheckLength(int content)
    {
        if (content > _max)
        {
            throw new StreamException(_owner.Name, $"{_what} at offset {_start} is longer than the limit of {_max} bytes");
        }
    }

    // Unterminated bytes: the last k-1 (and a CR) may still turn out to be the delimiter; beyond that they are
    // content, and content over the maximum is refused before it is buffered.
    private void CheckPartial(int unterminated)
    {
        if (!_buffer.CanAppend(unterminated - _buffer.Length))
        {
            throw new StreamException(_owner.Name, $"{_what} at offset {_start} is longer than the limit of {_max} bytes");
        }
    }
}
