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
        bool sendfile = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            nint n = sendfile ? SendFile(output, input, IntPtr.Zero, Chunk) : CopyFileRange(input, IntPtr.Zero, output, IntPtr.Zero, Chunk, 0);
            if (n > 0)
            {
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

    [LibraryImport("libc.so.6", EntryPoint = "copy_file_range", SetLastError = true)]
    private static partial nint CopyFileRange(int fdIn, IntPtr offIn, int fdOut, IntPtr offOut, nuint length, uint flags);

    [LibraryImport("libc.so.6", EntryPoint = "sendfile", SetLastError = true)]
    private static partial nint SendFile(int outFd, int inFd, IntPtr offset, nuint count);
}
