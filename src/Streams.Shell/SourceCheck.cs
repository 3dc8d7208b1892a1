using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Streams.Shell;

/// <summary>The launcher's freshness check, done inside the program: <c>./streams</c> (a small <c>sh</c> script)
/// execs the built binary with <c>STREAMS_SOURCE_ROOT</c> set to the checkout; the binary then compares the
/// sources' modification times with its own and, when a source is newer, rebuilds itself with
/// <c>scripts/build-shell.sh</c> and runs the new build in its place.</summary>
/// <remarks>The walk (about 260 entries in 30 directories: 2.6 ms of system calls here, docs/benchmarks.md) runs on
/// a thread of its own from the first line of <c>Main</c>, while the shell sets itself up on the other processor;
/// <see cref="RebuildIfStale"/> waits for it before the shell does anything that can be seen (reads stdin, writes,
/// runs a command).</remarks>
internal sealed partial class SourceCheck
{
    /// <summary>The environment variable the launcher sets to the root of the checkout.</summary>
    public const string RootVariable = "STREAMS_SOURCE_ROOT";

    private readonly Thread _walker;
    private readonly string _root;
    private readonly string _self;
    private bool _stale;

    private SourceCheck(string root, string self)
    {
        _root = root;
        _self = self;
        _walker = new Thread(Walk) { IsBackground = true, Name = "source check" };
        _walker.Start();
    }

    /// <summary>When run by the launcher: starts comparing the sources with this binary, in the background.
    /// Otherwise null.</summary>
    public static SourceCheck? Start()
    {
        string? root = Environment.GetEnvironmentVariable(RootVariable);
        if (string.IsNullOrEmpty(root))
        {
            return null;
        }

        // Children (programs the shell runs, a nested ./streams) must not inherit the check.
        Environment.SetEnvironmentVariable(RootVariable, null);
        string? self = Environment.ProcessPath;
        return self is null ? null : new SourceCheck(Path.GetFullPath(root), self);
    }

    /// <summary>Waits for the comparison; when a source is newer than this binary, rebuilds, runs the fresh build
    /// with <paramref name="args"/> and returns its exit status. Otherwise null: go on.</summary>
    public int? RebuildIfStale(string[] args)
    {
        _walker.Join();
        return _stale ? RebuildAndRun(_root, _self, args) : null;
    }

    private void Walk()
    {
        try
        {
            long built = ModifiedAt(AtFdCwd, Encoding.UTF8.GetBytes(_self), out _);
            _stale = built > 0 && IsStale(_root, built);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A checkout that cannot be read is not a reason to rebuild, and nothing on this thread may end the
            // process.
        }
    }

    /// <summary>Whether a source under <paramref name="root"/> (<c>src/**/*.cs|csproj|props</c> outside
    /// <c>obj/</c> and <c>bin/</c>, and the root's <c>Directory.*.props</c>) is newer than
    /// <paramref name="built"/>.</summary>
    /// <remarks>The walk calls libc itself (<c>opendir</c>, <c>readdir</c>, <c>statx</c> relative to the
    /// directory): FileSystemInfo objects, their paths and the cold code behind them cost 2 ms of every start.</remarks>
    public static bool IsStale(string root, DateTime built) => IsStale(root, (built - DateTime.UnixEpoch).Ticks * 100);

    // The same with the binary's time in nanoseconds since 1970.
    private static bool IsStale(string root, long limit)
    {
        foreach (string props in new[] { "Directory.Build.props", "Directory.Packages.props" })
        {
            if (ModifiedAt(AtFdCwd, Encoding.UTF8.GetBytes(Path.Combine(root, props)), out _) > limit)
            {
                return true;
            }
        }

        return NewerUnder(Path.Combine(root, "src"), limit);
    }

    private static unsafe bool NewerUnder(string directory, long limit)
    {
        nint dir = OpenDir(directory);
        if (dir == 0)
        {
            return false;
        }

        try
        {
            int fd = DirFd(dir);
            while (true)
            {
                // struct dirent on 64-bit Linux: d_type is the byte at offset 18, d_name starts at offset 19.
                byte* entry = (byte*)ReadDir(dir);
                if (entry == null)
                {
                    return false;
                }

                ReadOnlySpan<byte> name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + 19);
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                {
                    continue;
                }

                bool source = name.EndsWith(".cs"u8) || name.EndsWith(".csproj"u8) || name.EndsWith(".props"u8);
                byte type = entry[18];
                long modified = 0;
                if (type is not (DirectoryType or RegularType) || source)
                {
                    // Unknown, a link or a source: its mode and time, following links.
                    modified = ModifiedAt(fd, name, out ushort mode);
                    type = (mode & 0xF000) == 0x4000 ? DirectoryType : RegularType;
                }

                if (type == DirectoryType)
                {
                    if (!name.SequenceEqual("obj"u8) && !name.SequenceEqual("bin"u8)
                        && NewerUnder(directory + "/" + Encoding.UTF8.GetString(name), limit))
                    {
                        return true;
                    }
                }
                else if (source && modified > limit)
                {
                    return true;
                }
            }
        }
        finally
        {
            CloseDir(dir);
        }
    }

    // The modification time in nanoseconds since 1970 (0 when it cannot be read) and the mode; struct statx holds
    // stx_mode (u16) at offset 28 and stx_mtime (i64 seconds, u32 nanoseconds) at offset 112.
    private static unsafe long ModifiedAt(int dirfd, ReadOnlySpan<byte> name, out ushort mode)
    {
        Span<byte> path = stackalloc byte[name.Length + 1];
        name.CopyTo(path);
        path[^1] = 0;
        byte* buffer = stackalloc byte[256];
        fixed (byte* p = path)
        {
            if (Statx(dirfd, p, 0, StatxMode | StatxMTime, buffer) != 0)
            {
                mode = 0;
                return 0;
            }
        }

        mode = *(ushort*)(buffer + 28);
        return (*(long*)(buffer + 112) * 1_000_000_000) + *(uint*)(buffer + 120);
    }

    private const int AtFdCwd = -100;
    private const byte DirectoryType = 4;
    private const byte RegularType = 8;
    private const uint StatxMode = 0x2;
    private const uint StatxMTime = 0x40;

    [LibraryImport("libc.so.6", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint OpenDir(string path);

    [LibraryImport("libc.so.6", EntryPoint = "readdir")]
    private static partial nint ReadDir(nint dir);

    [LibraryImport("libc.so.6", EntryPoint = "dirfd")]
    private static partial int DirFd(nint dir);

    [LibraryImport("libc.so.6", EntryPoint = "closedir")]
    private static partial int CloseDir(nint dir);

    [LibraryImport("libc.so.6", EntryPoint = "statx")]
    private static unsafe partial int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    private static int RebuildAndRun(string root, string self, string[] args)
    {
        // The build talks on stderr, as the launcher's did, so that stdout stays the command's.
        var build = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        build.ArgumentList.Add("-c");
        build.ArgumentList.Add("exec \"$0\" \"$1\" >&2");
        build.ArgumentList.Add(Path.Combine(root, "scripts", "build-shell.sh"));
        build.ArgumentList.Add(Path.GetDirectoryName(self)!);

        // Ctrl-C reaches the build (or the fresh shell) directly: this process only waits for it.
        using PosixSignalRegistration ignore = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        using (Process? builder = Process.Start(build))
        {
            builder!.WaitForExit();
            if (builder.ExitCode != 0)
            {
                return builder.ExitCode;
            }
        }

        var fresh = new ProcessStartInfo(self) { UseShellExecute = false };
        foreach (string arg in args)
        {
            fresh.ArgumentList.Add(arg);
        }

        using Process shell = Process.Start(fresh)!;
        shell.WaitForExit();
        return shell.ExitCode;
    }
}
