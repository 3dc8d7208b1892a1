using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Streams.Transports.ZeroMq.Zmtp;

/// <summary>The POSIX calls the relay's loop needs and .NET does not expose: <c>poll</c> over many descriptors
/// without allocating, and a non-blocking pipe to wake it.</summary>
internal static unsafe partial class PollNative
{
    public const short In = 0x001;
    public const short Out = 0x004;
    public const short Error = 0x008;
    public const short HangUp = 0x010;
    public const short Invalid = 0x020;
    private const int Interrupted = 4;
    private const int NonBlockCloseOnExec = 0x800 | 0x80000;

    /// <summary>Waits until a descriptor of <paramref name="fds"/> is ready (<paramref name="timeout"/> in ms, -1:
    /// no limit); retried when a signal interrupts it.</summary>
    /// <returns>The number of ready descriptors (0 on timeout).</returns>
    /// <exception cref="IOException">poll failed.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Wait(Span<PollFd> fds, int timeout)
    {
        while (true)
        {
            int n;
            fixed (PollFd* p = fds)
            {
                n = poll(p, (nuint)fds.Length, timeout);
            }

            if (n >= 0)
            {
                return n;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Interrupted)
            {
                throw new IOException($"poll failed (errno {errno})");
            }
        }
    }

    /// <summary>Opens a pipe whose two ends do not block: [0] to read, [1] to write.</summary>
    public static (int Read, int Write) OpenPipe()
    {
        int* fds = stackalloc int[2];
        if (pipe2(fds, NonBlockCloseOnExec) != 0)
        {
            throw new IOException($"pipe2 failed (errno {Marshal.GetLastPInvokeError()})");
        }

        return (fds[0], fds[1]);
    }

    /// <summary>Writes one byte (a full pipe already wakes the reader, so that is not an error).</summary>
    public static void Poke(int fd)
    {
        byte b = 1;
        _ = write(fd, &b, 1);
    }

    /// <summary>Reads whatever is in the pipe.</summary>
    public static void Drain(int fd)
    {
        byte* buffer = stackalloc byte[64];
        while (read(fd, buffer, 64) == 64)
        {
        }
    }

    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "poll", SetLastError = true)]
    private static partial int poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc.so.6", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "read", SetLastError = true)]
    private static partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc.so.6", EntryPoint = "write", SetLastError = true)]
    private static partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    /// <summary><c>struct pollfd</c> (the same layout on every Linux architecture).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Returned;
    }
}
