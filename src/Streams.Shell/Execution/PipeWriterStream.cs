using System.Buffers;
using System.IO.Pipelines;
using Streams.Pipelines;

namespace Streams.Shell.Execution;

/// <summary>A write-only stream into a <see cref="PipeWriter"/> that several writers may share (a stage whose
/// stdout and stderr go to the same pipe or file, as with <c>2&gt;&amp;1</c>): each write is copied and flushed
/// under a lock.</summary>
internal sealed class PipeWriterStream : Stream
{
    private readonly PipeWriter _target;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public PipeWriterStream(PipeWriter target)
    {
        _target = target;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Write(byte[] buffer, int offset, int count)
        => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _target.Write(buffer.Span);
            await _target.FlushOrStopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
