using System.Buffers;
using System.IO.Pipelines;

namespace Streams.Modules.Text.Internal;

/// <summary>Reads a <see cref="PipeReader"/> as contiguous blocks of whole lines, for grep and sed: the
/// block is one array slice, so fixed strings can be searched across many lines with one vectorized
/// <c>IndexOf</c>.</summary>
/// <remarks>
/// <para>Each block ends just after a terminator (<c>'\n'</c> unless told otherwise), except the last one of the input when the input does not end
/// with one. A block stays valid until the next call to <see cref="ReadBlockAsync"/>. Lines longer than the
/// buffer grow it; input is consumed in pieces of at most <see cref="ChunkSize"/> bytes, so memory stays bounded
/// by the longest line plus one chunk.</para>
/// <para>A block is handed out in place, without a copy, when nothing of a line is left over from before and the
/// pipe's first segment holds whole lines (the common case: a file read in 64 KiB segments); only a line that spans
/// segments is copied into the reader's own array. The pipe is advanced past a block in place when the next block
/// is asked for, or by <see cref="Release"/>.</para>
/// <para>The reader does not complete the <see cref="PipeReader"/>; call <see cref="Release"/> before anything
/// else reads it or completes it. Not thread-safe.</para>
/// </remarks>
/// <param name="reader">The input.</param>
/// <param name="flushWhenIdle">The command's output, flushed whenever the next read would wait for input (see
/// <see cref="IdleFlush"/>); null never flushes.</param>
/// <param name="terminator">The byte that ends a line (NUL for <c>grep -z</c>).</param>
internal sealed class GrepSedLines(PipeReader reader, PipeWriter? flushWhenIdle = null, byte terminator = (byte)'\n')
{
    /// <summary>The most bytes taken from the pipe at a time.</summary>
    public const int ChunkSize = 1 << 20;

    private byte[] _buffer = new byte[64 * 1024];
    private byte[] _current = [];
    private SequencePosition? _advance;
    private int _start;
    private int _end;
    private bool _completed;

    /// <summary>The array that holds the block returned last.</summary>
    public byte[] Buffer => _advance is null ? _buffer : _current;

    /// <summary>Gives the pipe back the block handed out in place, if any; the block is no longer valid.</summary>
    public void Release()
    {
        if (_advance is { } consumed)
        {
            _advance = null;
            reader.AdvanceTo(consumed);
        }
    }

    /// <summary>Returns the offset and length in <see cref="Buffer"/> of the next block of whole lines; a length
    /// of zero means the end of input.</summary>
    public async ValueTask<(int Offset, int Length)> ReadBlockAsync(CancellationToken cancellationToken = default)
    {
        Release();
        int searched = _start;
        while (true)
        {
            int last = _buffer.AsSpan(searched, _end - searched).LastIndexOf(terminator);
            if (last >= 0)
            {
                int offset = _start;
                _start = searched + last + 1;
                return (offset, _start - offset);
            }

            searched = _end;
            if (_completed)
            {
                int offset = _start;
                int length = _end - _start;
                _start = _end;
                return (offset, length);
            }

            // Make room: move the partial line to the front, or grow.
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                searched -= _start;
                _end -= _start;
                _start = 0;
            }

            ReadResult result = flushWhenIdle is null
                ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                : await IdleFlush.ReadAsync(reader, flushWhenIdle, cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> data = result.Buffer;
            if (_end == 0 && !data.IsEmpty && !result.IsCanceled && TryInPlace(data, out int offset2, out int length2))
            {
                return (offset2, length2);
            }

            long take = Math.Min(data.Length, ChunkSize);
            if (_end > 0 && data.PositionOf(terminator) is { } newline)
            {
                // Complete the pending line only: the block then ends where the copy ends, and what follows can be
                // handed out in place again.
                take = Math.Min(data.Slice(0, newline).Length + 1, take);
            }
            if (_buffer.Length - _end < take)
            {
                Array.Resize(ref _buffer, (int)Math.Max(_buffer.Length * 2L, _end + take));
            }

            data.Slice(0, take).CopyTo(_buffer.AsSpan(_end));
            _end += (int)take;
            reader.AdvanceTo(data.GetPosition(take));
            _completed = (result.IsCompleted && take == data.Length) || result.IsCanceled;
        }
    }

    // The whole lines at the start of the pipe's first segment, handed out where they lie.
    private bool TryInPlace(ReadOnlySequence<byte> data, out int offset, out int length)
    {
        ReadOnlyMemory<byte> first = data.First;
        int last = first.Span[..Math.Min(first.Length, ChunkSize)].LastIndexOf(terminator);
        if (last < 0 || !System.Runtime.InteropServices.MemoryMarshal.TryGetArray(first, out ArraySegment<byte> segment))
        {
            offset = length = 0;
            return false;
        }

        _advance = data.GetPosition(last + 1);
        _current = segment.Array!;
        offset = segment.Offset;
        length = last + 1;
        return true;
    }
}
