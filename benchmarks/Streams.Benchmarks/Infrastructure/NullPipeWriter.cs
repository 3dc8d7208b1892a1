using System.IO.Pipelines;

namespace Streams.Benchmarks.Infrastructure;

/// <summary>A <see cref="PipeWriter"/> that counts and forgets what is written (a /dev/null sink), with one
/// reused buffer, so that a benchmark measures what feeds it.</summary>
public sealed class NullPipeWriter : PipeWriter
{
    private readonly byte[] _buffer = new byte[64 * 1024];

    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>Whether the writer was completed.</summary>
    public bool Completed { get; private set; }

    /// <summary>Forgets the count and completion, for the next run.</summary>
    public void Reset()
    {
        Written = 0;
        Completed = false;
    }

    /// <inheritdoc />
    public override void Advance(int bytes) => Written += bytes;

    /// <inheritdoc />
    public override void CancelPendingFlush()
    {
    }

    /// <inheritdoc />
    public override void Complete(Exception? exception = null) => Completed = true;

    /// <inheritdoc />
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => new(new FlushResult(false, false));

    /// <inheritdoc />
    public override Memory<byte> GetMemory(int sizeHint = 0) => sizeHint <= _buffer.Length ? _buffer : new byte[sizeHint];

    /// <inheritdoc />
    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
