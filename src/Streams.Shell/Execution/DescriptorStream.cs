using System.Runtime.InteropServices;
using Streams.Pipelines;

namespace Streams.Shell.Execution;

/// <summary>A stream over one of the process's standard descriptors, using <c>read(2)</c> and
/// <c>write(2)</c>.</summary>
/// <remarks>
/// <para><see cref="FileStream"/> writes a regular file with <c>pwrite</c> at its own position and never moves
/// the descriptor's offset, so in <c>(streams -c 'echo a'; echo b) &gt; file</c> the second write would overwrite
/// the first; <c>write(2)</c> shares the offset as sh expects.</para>
/// <para>With <c>poll</c> set (stdin on a terminal), a read waits with <c>poll</c> in 50 ms steps and honours
/// its cancellation token: a plain read of a terminal blocks until a key is pressed whatever the token says, and
/// after Ctrl-C cancelled a command reading the terminal it would steal the next line typed at the prompt.</para>
/// <para>A write to a pipe whose reader has gone fails with an <see cref="IOException"/> (EPIPE; .NET ignores
/// SIGPIPE). Every failure is an <see cref="IOException"/> whose <see cref="Exception.HResult"/> is the errno and
/// whose message reads like GNU's (<c>write error: No space left on device</c>); a write error that is not a reader
/// gone (<see cref="LockedStream.IsWriteError(int)"/>) is a <see cref="WriteErrorException"/>. Over descriptor -1
/// (one the parent closed) every read and write fails with EBADF.</para>
/// </remarks>
internal sealed partial class DescriptorStream : Stream
{
    private const short PollIn = 0x1;
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private readonly int _fd;
    private readonly bool _poll;
    private int _regular;

    public DescriptorStream(int fd, bool poll = false)
    {
        _fd = fd;
        _poll = poll;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count), CancellationToken.None);

    public override int Read(Span<byte> buffer) => Read(buffer, CancellationToken.None);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!IsRegularFile)
        {
            // A pipe or a terminal may block for ever: the read waits on a pool thread.
            return new(Task.Run(() => Read(buffer.Span, cancellationToken), CancellationToken.None));
        }

        // A regular file never blocks for long: read it on the caller's thread (`wc -l < big.log` pays no thread
        // hand-off per 64 KiB, and a command alone never wakes the thread pool).
        try
        {
            return new(Read(buffer.Span, cancellationToken));
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<int>(ex);
        }
    }

    // Whether the descriptor is a regular file (fstat, once).
    private bool IsRegularFile
    {
        get
        {
            if (_regular == 0)
            {
                _regular = !_poll && Streams.Transports.Files.FileTransport.RegularFileLength(_fd) is not null ? 1 : 2;
            }

            return _regular == 1;
        }
    }

    /// <summary>Moves a regular file's offset back by <paramref name="count"/> bytes (read but not used), so that
    /// what comes next, a program inheriting the descriptor included, reads them again; false when the descriptor
    /// cannot seek.</summary>
    public bool TrySeekBack(long count) => IsRegularFile && Seek(_fd, -count, 1) >= 0;

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private unsafe int Read(Span<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_poll)
            {
                var poll = new PollFd { Fd = _fd, Events = PollIn };
                int ready = Poll(ref poll, 1, 50);
                if (ready == 0 || (ready < 0 && Marshal.GetLastPInvokeError() == EINTR))
                {
                    continue;
                }
            }

            fixed (byte* p = buffer)
            {
                nint read = ReadFd(_fd, p, (nuint)buffer.Length);
                if (read >= 0)
                {
                    return (int)read;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno is EINTR or EAGAIN)
                {
                    continue;
                }

                throw new IOException("read error: " + Marshal.GetPInvokeErrorMessage(errno), errno);
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                nint written = WriteFd(_fd, start + done, (nuint)(buffer.Length - done));
                if (written >= 0)
                {
                    done += (int)written;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno is EINTR or EAGAIN)
                {
                    continue;
                }

                string reason = Marshal.GetPInvokeErrorMessage(errno);
                throw LockedStream.IsWriteError(errno) ? new WriteErrorException(errno, reason) : new IOException("write error: " + reason, errno);
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return default;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc.so.6", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeout);

    [LibraryImport("libc.so.6", EntryPoint = "lseek", SetLastError = true)]
    private static partial long Seek(int fd, long offset, int whence);

    [LibraryImport("libc.so.6", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadFd(int fd, byte* buffer, nuint count);

    [LibraryImport("libc.so.6", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteFd(int fd, byte* buffer, nuint count);
}
