using System.Runtime.InteropServices;

namespace Streams.Transports.Files;

/// <summary>The few POSIX calls .NET does not expose: opening without blocking (to wake a FIFO open) and
/// asking a descriptor's access mode.</summary>
internal static partial class Native
{
    public const int ReadOnly = 0;
    public const int WriteOnly = 1;
    public const int ReadWrite = 2;
    private const int AccessModeMask = 3;
    private const int GetFlags = 3;

    // O_NONBLOCK differs between Linux (04000) and the BSDs/macOS (4).
    private static int NonBlock => OperatingSystem.IsLinux() ? 0x800 : 0x4;

    /// <summary>The access mode of descriptor <paramref name="fd"/> (<see cref="ReadOnly"/>,
    /// <see cref="WriteOnly"/>, <see cref="ReadWrite"/>), or -1 when it is not open.</summary>
    public static int AccessMode(int fd)
    {
        if (OperatingSystem.IsWindows())
        {
            return ReadWrite;
        }

        int flags = fcntl(fd, GetFlags);
        return flags < 0 ? -1 : flags & AccessModeMask;
    }

    /// <summary>Opens and at once closes <paramref name="path"/> without blocking: a FIFO open that waits for
    /// the other end is released by it.</summary>
    public static void Touch(string path, int mode)
    {
        int fd = open(path, mode | NonBlock);
        if (fd >= 0)
        {
            close(fd);
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int fcntl(int fd, int cmd);

    [LibraryImport("libc.so.6", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);
}
