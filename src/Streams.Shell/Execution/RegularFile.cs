using System.Runtime.InteropServices;

namespace Streams.Shell.Execution;

/// <summary>Whether a path or the shell's stdin is a regular file, and its size: what <c>fstat</c> tells GNU
/// <c>wc</c> to size its columns (<see cref="Pipelines.StageContext.InputLength"/>).</summary>
/// <remarks>Linux only (statx has one layout on every architecture, unlike struct stat); elsewhere, and for
/// anything that is not a regular file (a pipe, a terminal, <c>/dev/null</c>), the answer is null.</remarks>
internal static partial class RegularFile
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;

    /// <summary>The size of the regular file at <paramref name="path"/> (symbolic links followed), or null.</summary>
    public static long? Length(string path) => Query(AtFdCwd, path, 0);

    /// <summary>The size of the regular file open on descriptor <paramref name="fd"/>, or null.</summary>
    public static long? Length(int fd) => Query(fd, "", AtEmptyPath);

    private static long? Query(int dirfd, string path, int flags)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[256];
        buffer.Clear();
        try
        {
            if (Statx(dirfd, path, flags, StatxType | StatxSize, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        // struct statx: stx_mode is a u16 at offset 28, stx_size a u64 at offset 40 (native byte order).
        ushort mode = MemoryMarshal.Read<ushort>(buffer[28..]);
        ulong size = MemoryMarshal.Read<ulong>(buffer[40..]);
        return (mode & 0xF000) == 0x8000 ? (long)size : null;
    }

    [LibraryImport("libc.so.6", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
