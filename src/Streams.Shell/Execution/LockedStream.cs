using System.Runtime.InteropServices;
using Streams.Pipelines;

namespace Streams.Shell.Execution;

/// <summary>A write-only stream over the shell's stdout or stderr (or a file a redirection opened) that
/// serializes writers and turns a failed write into a <see cref="BrokenPipeException"/> (EPIPE: the reader has
/// gone) or a <see cref="WriteErrorException"/> (anything else).</summary>
/// <remarks>.NET ignores SIGPIPE, so a write to a closed pipe fails with an <see cref="IOException"/>; once it
/// has, <see cref="IsBroken"/> stays set and every later write fails the same way at once, so the shell can
/// stop quietly instead of reporting an error per command. A write that fails for another reason (EBADF on a
/// closed stdout, ENOSPC, EIO: <see cref="IsWriteError(IOException)"/>; on a file, every failure) becomes a
/// <see cref="WriteErrorException"/>: the command that wrote reports it once and fails, as with GNU's
/// <c>write error</c>, and the shell goes on. Disposing it disposes the inner stream only when it owns it.</remarks>
internal sealed class LockedStream : Stream
{
    private readonly Stream _inner;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly bool _file;
    private volatile bool _broken;

    /// <summary>Wraps <paramref name="inner"/>; with <paramref name="file"/> set it is a file the stream owns, where
    /// no failure means a reader gone.</summary>
    public LockedStream(Stream inner, bool file = false)
    {
        _inner = inner;
        _file = file;
    }

    /// <summary>Whether a write has failed because the reader went away.</summary>
    public bool IsBroken => _broken;

    /// <summary>Records that a write to the same descriptor made elsewhere (a stage writing it directly,
    /// <see cref="Streams.Pipelines.StageContext.OutputDescriptor"/>) failed because the reader went away.</summary>
    public void MarkBroken() => _broken = true;

    /// <summary>Whether <paramref name="ex"/> is a write that failed for a reason other than a reader gone:
    /// EIO, EBADF, EFBIG, ENOSPC or EDQUOT, as the errno in its <see cref="Exception.HResult"/>.</summary>
    public static bool IsWriteError(IOException ex)
        => ex is WriteErrorException || (ex is not BrokenPipeException && IsWriteError(ex.HResult));

    /// <summary>Whether a write that failed with <paramref name="errno"/> failed for a reason other than a reader
    /// gone: EIO, EBADF, EFBIG, ENOSPC or EDQUOT.</summary>
    public static bool IsWriteError(int errno) => errno is 5 or 9 or 27 or 28 or 122;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
        _gate.Wait();
        try
        {
            Guard(_inner.Flush);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            ThrowIfBroken();
            await _inner.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException ex) when (ex is not (BrokenPipeException or WriteErrorException))
        {
            throw Translate(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        _gate.Wait();
        try
        {
            Guard(() => _inner.Write(buffer, offset, count));
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Never cancel a write half-way: the bytes of one flush stay together.
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            ThrowIfBroken();
            await _inner.WriteAsync(buffer, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException ex) when (ex is not (BrokenPipeException or WriteErrorException))
        {
            throw Translate(ex);
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

    protected override void Dispose(bool disposing)
    {
        if (disposing && _file)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // A reader gone (EPIPE, also on a FIFO a redirection opened) or a write error (on a file, anything else).
    private IOException Translate(IOException ex)
    {
        const int EPIPE = 32;
        if (IsWriteError(ex) || (_file && ex.HResult != EPIPE))
        {
            string reason = ex.HResult is > 0 and < 4096 ? Marshal.GetPInvokeErrorMessage(ex.HResult) : ex.Message;
            return new WriteErrorException(ex.HResult, reason, ex);
        }

        _broken = true;
        return new BrokenPipeException("broken pipe", ex);
    }

    private void ThrowIfBroken()
    {
        if (_broken)
        {
            throw new BrokenPipeException();
        }
    }

    private void Guard(Action action)
    {
        ThrowIfBroken();
        try
        {
            action();
        }
        catch (IOException ex) when (ex is not (BrokenPipeException or WriteErrorException))
        {
            throw Translate(ex);
        }
    }
}
