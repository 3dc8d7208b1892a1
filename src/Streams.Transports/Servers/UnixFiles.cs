using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Streams.Transports.Servers;

/// <summary>The kind of a file system entry, as <c>lstat</c> reports it.</summary>
internal enum UnixFileKind
{
    Missing,
    Regular,
    Directory,
    Socket,
    Fifo,
    SymbolicLink,
    Other,
}

/// <summary>The few libc calls servers and mounts need that .NET does not offer: the type of a file (to tell a
/// stale socket from a file that must not be replaced), <c>mkfifo</c>, and a non-blocking open of a FIFO.</summary>
/// <remarks>Linux only (statx has one layout on every architecture, unlike struct stat); elsewhere the type is
/// guessed from what .NET reports.</remarks>
internal static partial class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const uint StatxSize = 0x200;
    private const int AtEmptyPath = 0x1000;
    private const int OpenReadOnly = 0;
    private const int OpenWriteOnly = 1;
    private const int OpenNonBlock = 0x800;

    /// <summary>ENXIO: a FIFO opened for writing without blocking has no reader.</summary>
    public const int NoReader = 6;

    /// <summary>The kind of <paramref name="path"/> (a symbolic link is not followed) and its inode.</summary>
    public static UnixFileKind GetKind(string path, out ulong inode)
    {
        inode = 0;
        if (!OperatingSystem.IsLinux())
        {
            var info = new FileInfo(path);
            return info.Exists ? UnixFileKind.Regular : Directory.Exists(path) ? UnixFileKind.Directory : UnixFileKind.Missing;
        }

        if (!TryStatx(AtFdCwd, path, AtSymlinkNoFollow, out ushort mode, out _, out inode))
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is 2 or 20 ? UnixFileKind.Missing : throw new IOException($"{path}: cannot inspect it ({Marshal.GetPInvokeErrorMessage(errno)})");
        }

        return (mode & 0xF000) switch
        {
            0x8000 => UnixFileKind.Regular,
            0x4000 => UnixFileKind.Directory,
            0xC000 => UnixFileKind.Socket,
            0x1000 => UnixFileKind.Fifo,
            0xA000 => UnixFileKind.SymbolicLink,
            _ => UnixFileKind.Other,
        };
    }

    /// <summary>The size of the regular file at <paramref name="path"/> (links followed) or open on descriptor
    /// <paramref name="fd"/> (when <paramref name="path"/> is null), as <c>fstat</c> gives it; null for anything
    /// else (a pipe, a terminal, a device) and off Linux.</summary>
    public static long? RegularFileLength(string? path, int fd = AtFdCwd) =>
        OperatingSystem.IsLinux() && TryStatx(path is null ? fd : AtFdCwd, path ?? "", path is null ? AtEmptyPath : 0, out ushort mode, out ulong size, out _)
            && (mode & 0xF000) == 0x8000 ? (long)size : null;

    // struct statx: stx_mode is a u16 at offset 28, stx_ino a u64 at offset 32, stx_size a u64 at offset 40.
    private static unsafe bool TryStatx(int dirfd, string path, int flags, out ushort mode, out ulong size, out ulong inode)
    {
        Span<byte> buffer = stackalloc byte[256];
        int rc;
        fixed (byte* p = buffer)
        {
            rc = Statx(dirfd, path, flags, StatxType | StatxIno | StatxSize, p);
        }

        mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]);
        inode = BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]);
        size = BinaryPrimitives.ReadUInt64LittleEndian(buffer[40..]);
        if (!BitConverter.IsLittleEndian)
        {
            mode = BinaryPrimitives.ReverseEndianness(mode);
            inode = BinaryPrimitives.ReverseEndianness(inode);
            size = BinaryPrimitives.ReverseEndianness(size);
        }

        return rc == 0;
    }

    /// <summary>Creates a FIFO at <paramref name="path"/> with <paramref name="mode"/> (the umask is applied by
    /// the kernel; the caller sets the mode again afterwards).</summary>
    public static void MakeFifo(string path, UnixFileMode mode)
    {
        if (MkFifo(path, (uint)mode) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"{path}: mkfifo failed ({Marshal.GetPInvokeErrorMessage(errno)})");
        }
    }

    /// <summary>Opens <paramref name="path"/> without blocking (a FIFO end); returns the descriptor, or -1 with
    /// <paramref name="errno"/>.</summary>
    public static int OpenNonBlocking(string path, bool write, out int errno)
    {
        int fd = Open(path, (write ? OpenWriteOnly : OpenReadOnly) | OpenNonBlock);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>Closes a descriptor from <see cref="OpenNonBlocking"/>.</summary>
    public static void CloseDescriptor(int fd)
    {
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for a FIFO's read end to have data or to have
    /// seen a writer come and go (Linux reports that only for writers that opened after this reader did).</summary>
    public static unsafe bool WaitReadable(int fd, int timeoutMilliseconds)
    {
        // struct pollfd { int fd; short events; short revents; }; POLLIN is 1.
        long pollFd = (uint)fd | (1L << 32);
        int ready = Poll(&pollFd, 1, timeoutMilliseconds);
        return ready > 0;
    }

    /// <summary>Clears O_NONBLOCK on a descriptor from <see cref="OpenNonBlocking"/>.</summary>
    public static void SetBlocking(int fd)
    {
        int flags = Fcntl(fd, GetFlags, 0);
        if (flags >= 0)
        {
            _ = Fcntl(fd, SetFlags, flags & ~OpenNonBlock);
        }
    }

    /// <summary>Removes <paramref name="path"/> if it is still the entry of kind <paramref name="kind"/> and inode
    /// <paramref name="inode"/> that we created (someone may have replaced it since).</summary>
    public static void RemoveIfOurs(string path, UnixFileKind kind, ulong inode)
    {
        try
        {
            if (GetKind(path, out ulong now) == kind && (inode == 0 || now == inode))
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Stopping: a file we cannot remove is left behind; the next start treats it as stale.
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc.so.6", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MkFifo(string path, uint mode);

    [LibraryImport("libc.so.6", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc.so.6", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int Poll(long* fds, nuint count, int timeout);

    [LibraryImport("libc.so.6", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    private const int GetFlags = 3;
    private const int SetFlags = 4;
}
