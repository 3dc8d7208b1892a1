using System.Runtime.InteropServices;
using Streams.Pipelines;

namespace Streams.Modules.Text.Internal;

/// <summary>Copies a regular file to a descriptor inside the kernel (<c>copy_file_range</c>, else
/// <c>sendfile</c>), as GNU <c>cat</c> does: no bytes pass through user space.</summary>
/// <remarks>Both calls read and advance the descriptors' own offsets, so when neither serves a pair of descriptors
/// (an appending output, a file system without support), the caller goes on copying through user space from
/// where the kernel stopped.</remarks>
internal static partial class KernelCopy
{
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const int EPIPE = 32;
    private const nuint Chunk = 16 << 20;

    /// <summary>Copies from <paramref name="input"/> to <paramref name="output"/> until the end of the input.</summary>
    /// <returns>True when all was copied; false when the kernel cannot copy between these descriptors (the rest,
    /// from the input's offset, is the caller's).</returns>
    /// <exception cref="BrokenPipeException">The reader of <paramref name="output"/> has gone.</exception>
    /// <exception cref="WriteErrorException">The output is full (ENOSPC, EDQUOT, EFBIG).</exception>
    /// <exception cref="IOException">A read error, or EIO.</exception>
    public static bool TryCopy(int input, int output, CancellationToken cancellationToken)
    {
        Reservation reservation = Reserve(input, output);
        long copied = 0;
        try
        {
            return Copy(input, output, ref copied, cancellationToken);
        }
        finally
        {
            // A copy cancelled, failed or left to the caller keeps no block it did not fill.
            reservation.Release(output, copied);
        }
    }

    private static bool Copy(int input, int output, ref long copied, CancellationToken cancellationToken)
    {
        bool sendfile = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            nint n = sendfile ? SendFile(output, input, IntPtr.Zero, Chunk) : CopyFileRange(input, IntPtr.Zero, output, IntPtr.Zero, Chunk, 0);
            if (n > 0)
            {
                copied += n;
                continue;
            }

            if (n == 0)
            {
                return true;
            }

            int errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case EINTR:
                    continue;
                case EPIPE:
                    throw new BrokenPipeException();
                case EAGAIN:
                    // A non-blocking output: the caller's writer knows how to wait for it.
                    return false;
                case 5: // EIO: the input's or the output's
                    throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
                case 27: // EFBIG
                case 28: // ENOSPC
                case 122: // EDQUOT
                    throw new WriteErrorException(errno, Marshal.GetPInvokeErrorMessage(errno));
                default:
                    // EXDEV, EINVAL, ENOSYS, EOPNOTSUPP, EBADF (an O_APPEND output), …: not for this pair.
                    if (sendfile)
                    {
                        return false;
                    }

                    sendfile = true;
                    continue;
            }
        }
    }

    // Reserves the output's blocks for what is left of a regular input, when that is at least this much.
    private const long ReserveAtLeast = 1 << 20;
    private const int SeekCur = 1;
    private const int SeekEnd = 2;
    private const int FGetFl = 3;
    private const int OAppend = 0x400;
    private const int FallocKeepSize = 0x1;

    /// <summary>Allocates the output's blocks for the rest of the input before the copy
    /// (<c>fallocate(FALLOC_FL_KEEP_SIZE)</c>: the size is unchanged, nothing is readable that was not written).</summary>
    /// <remarks>On ext4 a file written through the page cache gets its blocks only at write-back (delayed
    /// allocation), and a file truncated by the shell's <c>&gt;</c> is written back when it is closed
    /// (<c>auto_da_alloc</c>): for 60 MB that is 7 ms in the closing process, ours or GNU <c>cat</c>'s. Blocks
    /// allocated ahead as one unwritten extent cost less than that, during the copy and at the close
    /// (docs/benchmarks.md). Only for a seekable input with at least <see cref="ReserveAtLeast"/> bytes left and an
    /// output that is not appending; whatever fails (a pipe, a device, a file system without
    /// <c>fallocate</c>, a full disk) leaves the copy as it was.</remarks>
    internal static Reservation Reserve(int input, int output)
    {
        long position = LSeek(input, 0, SeekCur);
        if (position < 0)
        {
            return default;
        }

        long end = LSeek(input, 0, SeekEnd);
        if (LSeek(input, position, 0) != position)
        {
            throw new IOException("cat: cannot restore the input's offset", Marshal.GetLastPInvokeError());
        }

        long length = end - position;
        if (length < ReserveAtLeast || (FcntlGetFlags(output, FGetFl) & OAppend) != 0)
        {
            return default;
        }

        long at = LSeek(output, 0, SeekCur);
        return at >= 0 && FAllocate(output, FallocKeepSize, at, length) == 0 ? new Reservation(at, length) : default;
    }

    /// <summary>Blocks reserved past the output's offset <see cref="At"/>.</summary>
    internal readonly record struct Reservation(long At, long Length)
    {
        /// <summary>Gives back what an input that shrank while it was copied left reserved past the end of the
        /// file.</summary>
        /// <remarks>ext4 punches no hole past the end of a file; truncating a file to its own size is what frees
        /// blocks allocated beyond it, and changes no byte.</remarks>
        public void Release(int output, long copied)
        {
            if (copied >= Length)
            {
                return;
            }

            long offset = LSeek(output, 0, SeekCur);
            long end = LSeek(output, 0, SeekEnd);
            if (offset >= 0 && end >= 0 && LSeek(output, offset, 0) == offset && end < At + Length)
            {
                FTruncate(output, end);
            }
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeek(int fd, long offset, int whence);

    [LibraryImport("libc.so.6", EntryPoint = "fcntl")]
    private static partial int FcntlGetFlags(int fd, int command);

    [LibraryImport("libc.so.6", EntryPoint = "ftruncate")]
    private static partial int FTruncate(int fd, long length);

    [LibraryImport("libc.so.6", EntryPoint = "fallocate")]
    private static partial int FAllocate(int fd, int mode, long offset, long length);

    [LibraryImport("libc.so.6", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial nint CopyFileRange(int fdIn, IntPtr offIn, int fdOut, IntPtr offOut, nuint length, uint flags);

    [LibraryImport("libc.so.6", EntryPoint = "sendfile", SetLastError = true)]
    private static partial nint SendFile(int outFd, int inFd, IntPtr offset, nuint count);
}
