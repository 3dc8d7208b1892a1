using System.Runtime.InteropServices;

namespace Streams.Modules.Text.Internal;

/// <summary>What a path names, as <c>statx</c> says (links followed or not).</summary>
internal enum FileKind
{
    /// <summary>Nothing, or it could not be examined.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (only when links are not followed).</summary>
    SymbolicLink,

    /// <summary>A FIFO, a socket or a device.</summary>
    Other,
}

/// <summary>The kind and identity of files, for commands that walk directories (<c>grep -r</c>).</summary>
/// <remarks>Linux's <c>statx</c>, whose layout is the same on every architecture; elsewhere .NET's view, which
/// cannot tell a FIFO from a regular file and gives no identity.</remarks>
internal static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;

    private const int AtEmptyPath = 0x1000;
    private const uint StatxSize = 0x200;

    /// <summary>The kind of <paramref name="path"/>, and its device and inode (to find directory loops).</summary>
    public static FileKind Of(string path, bool followLinks, out (ulong Device, ulong Inode) identity)
        => Of(path, followLinks, out identity, out _);

    /// <summary>The kind of <paramref name="path"/>, its device and inode, and its size.</summary>
    public static FileKind Of(string path, bool followLinks, out (ulong Device, ulong Inode) identity, out long size)
    {
        if (!OperatingSystem.IsLinux())
        {
            identity = default;
            FileSystemInfo info = new FileInfo(path);
            size = info is FileInfo { Exists: true } file ? file.Length : 0;
            if (!info.Exists)
            {
                info = new DirectoryInfo(path);
            }

            return !info.Exists ? FileKind.Missing
                : !followLinks && info.LinkTarget is not null ? FileKind.SymbolicLink
                : info is DirectoryInfo ? FileKind.Directory : FileKind.Regular;
        }

        return Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, out identity, out size);
    }

    /// <summary>The kind, device and inode, and size of what descriptor <paramref name="fd"/> is open on
    /// (<see cref="FileKind.Missing"/> off Linux).</summary>
    public static FileKind OfDescriptor(int fd, out (ulong Device, ulong Inode) identity, out long size)
    {
        identity = default;
        size = 0;
        return OperatingSystem.IsLinux() ? Statx(fd, "", AtEmptyPath, out identity, out size) : FileKind.Missing;
    }

    private static FileKind Statx(int dirfd, string path, int flags, out (ulong Device, ulong Inode) identity, out long size)
    {
        identity = default;
        size = 0;
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(dirfd, path, flags, StatxType | StatxIno | StatxSize, buffer) != 0)
        {
            return FileKind.Missing;
        }

        // struct statx, in the machine's byte order: stx_mode u16 at 28, stx_ino u64 at 32, stx_size u64 at 40,
        // stx_dev_major and stx_dev_minor u32 at 136 and 140.
        ushort mode = MemoryMarshal.Read<ushort>(buffer[28..]);
        ulong inode = MemoryMarshal.Read<ulong>(buffer[32..]);
        size = (long)MemoryMarshal.Read<ulong>(buffer[40..]);
        ulong device = ((ulong)MemoryMarshal.Read<uint>(buffer[136..]) << 32) | MemoryMarshal.Read<uint>(buffer[140..]);
        identity = (device, inode);
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Other,
        };
    }

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);
}
