namespace Streams.Shell.Execution;

/// <summary>The stdin of <c>CMD &lt; DIR</c>: sh opens a directory for reading without complaint and only a read
/// fails (EISDIR), so a command that never reads its stdin runs as usual; one that reads reports the error as the
/// GNU tools do (<c>cat: -: Is a directory</c>).</summary>
internal sealed class DirectoryInputStream : Stream
{
    private const int IsADirectory = 21;

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Always fails: the descriptor is a directory.</summary>
    /// <exception cref="IOException">Always, with the errno in <see cref="Exception.HResult"/>.</exception>
    public override int Read(byte[] buffer, int offset, int count) => throw Failure();

    /// <inheritdoc cref="Read(byte[], int, int)"/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => ValueTask.FromException<int>(Failure());

    /// <inheritdoc cref="Read(byte[], int, int)"/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Task.FromException<int>(Failure());

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static IOException Failure() => new("Is a directory", IsADirectory);
}
