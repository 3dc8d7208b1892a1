using System.Buffers;
using System.Diagnostics;

namespace Streams.Modules.Compression;

/// <summary>An <see cref="IBufferWriter{T}"/> over pooled messages: a codec writes straight into a message's
/// payload, and full messages are put to the next queue.</summary>
/// <remarks>One buffer of up to <see cref="Codec.Step"/> bytes is filled at a time. When it is full it is passed on
/// as it is; when <see cref="Publish"/> finds only a little in it (a small flushed message, the usual case on an
/// interactive stream), the bytes are copied into a message of their own size and the big buffer is kept for the
/// next time, so queues never hold a 64 KiB buffer for a few bytes. Used inside the serial context only.</remarks>
internal sealed class MessageWriter : IBufferWriter<byte>
{
    private const int CopyBelow = 4096;
    private Message? _current;
    private int _written;

    /// <summary>Where full buffers go: set by the module before each use.</summary>
    public StreamQueue? Target { get; set; }

    /// <summary>Bytes waiting in the current buffer.</summary>
    public int Pending => _written;

    public void Advance(int count)
    {
        Debug.Assert(_current is not null && count >= 0 && _written + count <= _current.Length, "Advance past GetSpan.");
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _current!.WritableMemory[_written..];
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _current!.WritableSpan[_written..];
    }

    /// <summary>Passes what was written on to <see cref="Target"/> as one data message.</summary>
    public void Publish()
    {
        if (_written == 0)
        {
            return;
        }

        StreamQueue target = Target!;
        Message current = _current!;
        if (_written < CopyBelow && current.Length >= 4 * CopyBelow)
        {
            Message small = target.Pool.Data(current.Span[.._written]);
            _written = 0;
            target.PutNext(small);
            return;
        }

        current.Truncate(_written);
        _current = null;
        _written = 0;
        target.PutNext(current);
    }

    /// <summary>Drops what was written and gives the buffer back to its pool.</summary>
    public void Reset()
    {
        _written = 0;
        _current?.Release();
        _current = null;
    }

    private void Ensure(int sizeHint)
    {
        int need = Math.Max(sizeHint, 1);
        if (_current is not null && _current.Length - _written >= need)
        {
            return;
        }

        Publish();
        if (_current is not null && _current.Length >= need)
        {
            return;
        }

        _current?.Release();
        _current = Target!.Pool.Rent(Math.Max(need, Codec.Step));
    }
}
