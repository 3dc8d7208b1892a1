using System.Buffers;
using System.IO.Pipelines;
using Streams.Pipelines;

namespace Streams.Modules.Text.Internal;

/// <summary>Pulls lines out of a <see cref="PipeReader"/> without allocating per line.</summary>
/// <remarks>
/// <para>Usage: <c>while (await lines.MoveNextAsync(ct)) { ReadOnlySpan&lt;byte&gt; line = lines.Current; … }</c>.
/// <see cref="Current"/> excludes the delimiter and stays valid until the next call to
/// <see cref="MoveNextAsync"/>; <see cref="HasDelimiter"/> is false only for a last line that has none.</para>
/// <para>A line that lies in one segment of the pipe's buffer is a view of it; a line that spans segments is
/// copied into a scratch array that is reused. The reader does not complete the <see cref="PipeReader"/>.</para>
/// <para>Not thread-safe: one consumer.</para>
/// </remarks>
internal sealed class LineReader
{
    private readonly PipeReader _reader;
    private readonly byte _delimiter;
    private readonly PipeWriter? _flushWhenIdle;
    private ReadOnlySequence<byte> _buffer;
    private ReadOnlyMemory<byte> _first;
    private int _offset;
    private ReadOnlyMemory<byte> _current;
    private byte[] _scratch = [];
    private bool _holding;
    private bool _completed;
    private bool _ended;

    /// <summary>Creates a reader of lines ended by <paramref name="delimiter"/>.</summary>
    /// <param name="reader">The input.</param>
    /// <param name="delimiter">The byte that ends a line.</param>
    /// <param name="flushWhenIdle">The command's output, flushed whenever the next read would wait for input
    /// (see <see cref="IdleFlush"/>); null never flushes.</param>
    public LineReader(PipeReader reader, byte delimiter = (byte)'\n', PipeWriter? flushWhenIdle = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _delimiter = delimiter;
        _flushWhenIdle = flushWhenIdle;
    }

    /// <summary>The current line, without its delimiter.</summary>
    public ReadOnlySpan<byte> Current => _current.Span;

    /// <summary>The current line as memory (same lifetime as <see cref="Current"/>).</summary>
    public ReadOnlyMemory<byte> CurrentMemory => _current;

    /// <summary>Whether the current line ended with the delimiter (false for a last line without one).</summary>
    public bool HasDelimiter { get; private set; }

    /// <summary>Moves to the next line; false at the end of input.</summary>
    public ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        if (TryNext())
        {
            return new ValueTask<bool>(true);
        }

        return _ended ? new ValueTask<bool>(false) : Core(cancellationToken);

        async ValueTask<bool> Core(CancellationToken token)
        {
            while (true)
            {
                if (_completed)
                {
                    Release();
                    _ended = true;
                    return false;
                }

                long held = 0;
                if (_holding)
                {
                    // Nothing complete in what we hold: consume nothing, examine everything, ask for more.
                    Normalize();
                    held = _buffer.Length;
                    _reader.AdvanceTo(_buffer.Start, _buffer.End);
                    _holding = false;
                }

                ReadResult result = await ReadAsync(held, token).ConfigureAwait(false);
                _buffer = result.Buffer;
                _first = _buffer.First;
                _offset = 0;
                _holding = true;
                _completed = result.IsCompleted || result.IsCanceled;
                if (TryNext())
                {
                    return true;
                }
            }
        }
    }

    /// <summary>Reads more than the <paramref name="held"/> bytes handed back unconsumed; flushes the output
    /// first when that would wait.</summary>
    private ValueTask<ReadResult> ReadAsync(long held, CancellationToken cancellationToken)
    {
        if (_flushWhenIdle is null)
        {
            return _reader.ReadAsync(cancellationToken);
        }

        if (_reader.TryRead(out ReadResult ready))
        {
            // TryRead also returns what was handed back unconsumed: only more than that, or the end, is news.
            if (ready.Buffer.Length > held || ready.IsCompleted || ready.IsCanceled)
            {
                return new ValueTask<ReadResult>(ready);
            }

            _reader.AdvanceTo(ready.Buffer.Start, ready.Buffer.End);
        }

        return Core(cancellationToken);

        async ValueTask<ReadResult> Core(CancellationToken token)
        {
            await _flushWhenIdle.FlushPendingAsync(token).ConfigureAwait(false);
            return await _reader.ReadAsync(token).ConfigureAwait(false);
        }
    }

    /// <summary>Hands back whatever is held to the pipe; call when stopping early (head) so that the pipe's
    /// buffer is released before the stage returns.</summary>
    public void Release()
    {
        if (_holding)
        {
            Normalize();
            _reader.AdvanceTo(_buffer.Start);
            _holding = false;
        }

        _current = default;
    }

    private bool TryNext()
    {
        if (!_holding)
        {
            return false;
        }

        // Fast path: the next line lies in the first segment; only an offset moves, the sequence is not sliced.
        int index = _first.Span[_offset..].IndexOf(_delimiter);
        if (index >= 0)
        {
            _current = _first.Slice(_offset, index);
            HasDelimiter = true;
            _offset += index + 1;
            return true;
        }

        Normalize();

        // Normalizing may have moved the start to the next segment (when the last line ended a segment), and
        // that segment may be the only one left: look for the delimiter there before anything else.
        if (_buffer.IsSingleSegment)
        {
            index = _first.Span.IndexOf(_delimiter);
            if (index >= 0)
            {
                _current = _first[..index];
                HasDelimiter = true;
                _offset = index + 1;
                return true;
            }
        }
        else
        {
            SequencePosition? position = _buffer.PositionOf(_delimiter);
            if (position is SequencePosition end)
            {
                ReadOnlySequence<byte> line = _buffer.Slice(0, end);
                _current = Copy(line);
                HasDelimiter = true;
                _buffer = _buffer.Slice(_buffer.GetPosition(1, end));
                _first = _buffer.First;
                return true;
            }
        }

        if (_completed && !_buffer.IsEmpty)
        {
            _current = _buffer.IsSingleSegment ? _buffer.First : Copy(_buffer);
            HasDelimiter = false;
            _buffer = _buffer.Slice(_buffer.End);
            _first = default;
            return true;
        }

        return false;
    }

    /// <summary>Folds the fast path's offset into <see cref="_buffer"/>.</summary>
    private void Normalize()
    {
        if (_offset > 0)
        {
            _buffer = _buffer.Slice(_offset);
            _first = _buffer.First;
            _offset = 0;
        }
    }

    private ReadOnlyMemory<byte> Copy(ReadOnlySequence<byte> line)
    {
        int length = checked((int)line.Length);
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }

        line.CopyTo(_scratch);
        return _scratch.AsMemory(0, length);
    }
}
