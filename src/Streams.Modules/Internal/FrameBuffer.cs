using System.Buffers;
using System.Diagnostics;

namespace Streams.Modules.Internal;

/// <summary>A pooled accumulation buffer for the bytes of a frame that spans several messages.</summary>
/// <remarks>
/// <para>The array comes from <see cref="ArrayPool{T}.Shared"/> on first use and grows (by doubling, capped at
/// <see cref="Limit"/>) only when a partial frame needs it; it is kept while the module lives so that steady
/// traffic allocates nothing, and returned by <see cref="Dispose"/> (the module's <c>OnPopped</c>).</para>
/// <para>The limit is a hard cap: callers check a frame against their maximum <em>before</em> appending, and
/// <see cref="Append"/> refuses to grow past the limit (a framer bug, not a peer's mistake). Not thread-safe: it
/// lives inside one module, which runs in the stream's serial context.</para>
/// </remarks>
[DebuggerDisplay("FrameBuffer {Length}/{Limit}")]
internal sealed class FrameBuffer : IDisposable
{
    private const int InitialSize = 256;
    private byte[]? _array;
    private int _length;

    /// <summary>Creates an empty buffer that never holds more than <paramref name="limit"/> bytes.</summary>
    public FrameBuffer(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
    }

    /// <summary>The most bytes the buffer may hold.</summary>
    public int Limit { get; }

    /// <summary>The bytes held.</summary>
    public int Length => _length;

    /// <summary>Whether the buffer holds nothing.</summary>
    public bool IsEmpty => _length == 0;

    /// <summary>The bytes held.</summary>
    public ReadOnlySpan<byte> Span => _array is null ? default : new ReadOnlySpan<byte>(_array, 0, _length);

    /// <summary>Whether <paramref name="count"/> more bytes fit under the limit.</summary>
    public bool CanAppend(int count) => count <= Limit - _length;

    /// <summary>Appends <paramref name="data"/>, growing the pooled array when needed.</summary>
    /// <exception cref="InvalidOperationException">The bytes would exceed <see cref="Limit"/>; the caller
    /// should have checked its frame limit first.</exception>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (!CanAppend(data.Length))
        {
            throw new InvalidOperationException($"frame buffer limit of {Limit} bytes exceeded");
        }

        int needed = _length + data.Length;
        if (_array is null || _array.Length < needed)
        {
            Grow(needed);
        }

        data.CopyTo(_array.AsSpan(_length));
        _length = needed;
    }

    /// <summary>Keeps only the first <paramref name="length"/> bytes.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        _length = length;
    }

    /// <summary>Forgets the bytes held; the array is kept for the next frame.</summary>
    public void Clear() => _length = 0;

    /// <summary>Copies the bytes held into a new message rented from <paramref name="pool"/> and clears the
    /// buffer.</summary>
    public Message TakeMessage(MessagePool pool)
    {
        Message m = pool.Data(Span);
        _length = 0;
        return m;
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        byte[]? a = _array;
        _array = null;
        _length = 0;
        if (a is not null)
        {
            ArrayPool<byte>.Shared.Return(a);
        }
    }

    private void Grow(int needed)
    {
        long size = Math.Max(_array?.Length ?? InitialSize, InitialSize);
        while (size < needed)
        {
            size *= 2;
        }

        int newSize = (int)Math.Min(size, Limit);
        byte[] next = ArrayPool<byte>.Shared.Rent(newSize);
        if (_array is not null)
        {
            _array.AsSpan(0, _length).CopyTo(next);
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = next;
    }
}

/// <summary>Where a frame lies in the bytes that start with it.</summary>
/// <param name="Total">All bytes of the frame: header, payload and trailer.</param>
/// <param name="PayloadStart">Where the bytes passed up start.</param>
/// <param name="PayloadLength">How many bytes are passed up.</param>
internal readonly record struct FrameInfo(int Total, int PayloadStart, int PayloadLength);

/// <summary>The decode loop shared by framers whose header tells the frame's size (length prefix, netstring):
/// frames inside one message are cut out of it, a frame spanning messages is reassembled in a
/// <see cref="FrameBuffer"/>.</summary>
/// <remarks>A message holding exactly one frame is passed on itself, trimmed (no copy); other frames are copied
/// into messages rented from the stream's pool. Nothing else is allocated per message.</remarks>
internal abstract class PrefixFrameDecoder : IDisposable
{
    private readonly StreamModule _owner;
    private readonly FrameBuffer _buffer;

    protected PrefixFrameDecoder(StreamModule owner, int headerLimit, long frameLimit)
    {
        _owner = owner;
        HeaderLimit = headerLimit;
        _buffer = new FrameBuffer((int)Math.Min(frameLimit, Array.MaxLength));
    }

    /// <summary>At most this many bytes are needed before <see cref="TryParse"/> can tell the frame's size.</summary>
    public int HeaderLimit { get; }

    /// <summary>The offset, in the bytes read so far, of the next frame's first byte.</summary>
    public long Offset { get; private set; }

    /// <summary>Whether part of a frame is waiting for more bytes.</summary>
    public bool HasPartial => !_buffer.IsEmpty;

    /// <summary>The module's name, for errors.</summary>
    protected string Component => _owner.Name;

    /// <summary>Decodes one message; the decoder owns it from here on.</summary>
    public void Decode(StreamQueue queue, Message message)
    {
        ReadOnlySpan<byte> span = message.Span;
        int pos = 0;
        try
        {
            while (!_buffer.IsEmpty)
            {
                if (!TryParse(_buffer.Span, Offset, out FrameInfo f))
                {
                    if (pos == span.Length)
                    {
                        break;
                    }

                    // The header is incomplete: take just enough to decide (any surplus is given back below).
                    int take = Math.Min(Math.Max(HeaderLimit - _buffer.Length, 1), span.Length - pos);
                    _buffer.Append(span.Slice(pos, take));
                    pos += take;
                    continue;
                }

                if (_buffer.Length > f.Total)
                {
                    // The header chunk overshot a short frame: the surplus is still in this message.
                    pos -= _buffer.Length - f.Total;
                    _buffer.Truncate(f.Total);
                }
                else
                {
                    int take = Math.Min(f.Total - _buffer.Length, span.Length - pos);
                    _buffer.Append(span.Slice(pos, take));
                    pos += take;
                }

                if (_buffer.Length < f.Total)
                {
                    break;
                }

                CheckFrame(_buffer.Span, Offset);
                Message frame = queue.Pool.Data(_buffer.Span.Slice(f.PayloadStart, f.PayloadLength));
                Offset += f.Total;
                _buffer.Clear();
                queue.PutNext(frame);
            }

            while (pos < span.Length)
            {
                ReadOnlySpan<byte> rest = span[pos..];
                if (!TryParse(rest, Offset, out FrameInfo f) || f.Total > rest.Length)
                {
                    break;
                }

                CheckFrame(rest[..f.Total], Offset);
                Offset += f.Total;
                if (pos == 0 && f.Total == span.Length)
                {
                    message.TrimStart(f.PayloadStart);
                    message.Truncate(f.PayloadLength);
                    Message whole = message;
                    message = null!;
                    queue.PutNext(whole);
                    return;
                }

                queue.PutNext(queue.Pool.Data(rest.Slice(f.PayloadStart, f.PayloadLength)));
                pos += f.Total;
            }

            // What is left is a frame's start: shorter than the header limit, or than a frame already checked
            // against the maximum — so the buffer never grows past the limit.
            _buffer.Append(span[pos..]);
        }
        finally
        {
            message?.Release();
        }
    }

    /// <summary>Fails when the stream ends inside a frame.</summary>
    public void CheckEnd()
    {
        if (!_buffer.IsEmpty)
        {
            int have = _buffer.Length;
            _buffer.Clear();
            throw new StreamException(Component, $"the stream ended inside the frame at offset {Offset} ({have} byte(s) of it arrived)");
        }
    }

    /// <summary>Hands the bytes of a partial frame over as raw data (the module is leaving the stream), or null.</summary>
    public Message? TakePartial(MessagePool pool) => _buffer.IsEmpty ? null : _buffer.TakeMessage(pool);

    /// <summary>Returns the buffer.</summary>
    public void Dispose() => _buffer.Dispose();

    /// <summary>Parses the header at the start of <paramref name="data"/> (which starts at stream offset
    /// <paramref name="offset"/>).</summary>
    /// <returns>False when more bytes are needed to tell; only when <paramref name="data"/> is shorter than
    /// <see cref="HeaderLimit"/>.</returns>
    /// <exception cref="StreamException">A malformed header or a frame over the limit.</exception>
    protected abstract bool TryParse(ReadOnlySpan<byte> data, long offset, out FrameInfo frame);

    /// <summary>Checks a complete frame (its trailer).</summary>
    protected virtual void CheckFrame(ReadOnlySpan<byte> frame, long offset)
    {
    }
}
