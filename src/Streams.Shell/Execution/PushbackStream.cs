using System.Buffers;

namespace Streams.Shell.Execution;

/// <summary>The shell's stdin, to which a pipeline gives back what it read ahead but did not use.</summary>
/// <remarks>
/// <para>A command reading the shell's stdin reads it in blocks, so in a script fed on stdin
/// (<c>head -n 1</c> followed by data lines and more commands) it takes more than it uses; sh's commands are
/// processes that seek back (GNU head on a regular file), and bash reads a pipe byte by byte. Here the pipeline
/// hands the unused bytes back with <see cref="Unread"/>: over a regular file the offset moves back (programs that
/// inherit the descriptor see them too), over a pipe they are kept and served before the descriptor is read
/// again.</para>
/// <para>Not thread-safe: the shell reads its stdin from one pipeline at a time. Disposing it leaves the inner
/// stream open: its owner closes it.</para>
/// </remarks>
internal sealed class PushbackStream(Stream inner) : Stream
{
    private byte[] _pending = [];
    private int _start;

    /// <summary>Whether bytes given back wait to be read (a program must not inherit the descriptor then).</summary>
    public bool HasPending => _start < _pending.Length;

    /// <summary>Gives back bytes that were read but not used; they are read again before anything else.</summary>
    public void Unread(ReadOnlySequence<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (!HasPending && inner is DescriptorStream descriptor && descriptor.TrySeekBack(data.Length))
        {
            return;
        }

        byte[] joined = new byte[data.Length + (_pending.Length - _start)];
        data.CopyTo(joined);
        _pending.AsSpan(_start).CopyTo(joined.AsSpan((int)data.Length));
        (_pending, _start) = (joined, 0);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => TakePending(buffer) is int taken and > 0 ? taken : inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => TakePending(buffer.Span) is int taken and > 0 ? new(taken) : inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int TakePending(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, _pending.Length - _start);
        _pending.AsSpan(_start, count).CopyTo(buffer);
        _start += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
