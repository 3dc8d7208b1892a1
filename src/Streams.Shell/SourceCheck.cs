using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Streams.Shell;

/// <summary>The launcher's freshness check, done inside the program: <c>./streams</c> (a small <c>sh</c> script)
/// execs the built binary with <c>STREAMS_SOURCE_ROOT</c> set to the checkout; the binary then compares the
/// sources' modification times with its own and, when a source is newer, rebuilds itself with
/// <c>scripts/build-shell.sh</c> and runs the new build in its place.</summary>
/// <remarks>A walk of about 250 files here costs well under a millisecond; the same test in the launcher (bash
/// and a <c>find</c> in a command substitution) cost 8 ms of every command line (docs/benchmarks.md).</remarks>
internal static class SourceCheck
{
    /// <summary>The environment variable the launcher sets to the root of the checkout.</summary>
    public const string RootVariable = "STREAMS_SOURCE_ROOT";

    /// <summary>When run by the launcher and out of date: rebuilds, runs the fresh build with
    /// <paramref name="args"/> and returns its exit status. Otherwise null: go on.</summary>
    public static int? RebuildIfStale(string[] args)
    {
        string? root = Environment.GetEnvironmentVariable(RootVariable);
        if (string.IsNullOrEmpty(root))
        {
            return null;
        }

        // Children (programs the shell runs, a nested ./streams) must not inherit the check.
        Environment.SetEnvironmentVariable(RootVariable, null);
        string? self = Environment.ProcessPath;
        root = Path.GetFullPath(root);
        if (self is null || !IsStale(root, File.GetLastWriteTimeUtc(self)))
        {
            return null;
        }

        return RebuildAndRun(root, self, args);
    }

    /// <summary>Whether a source under <paramref name="root"/> (<c>src/**/*.cs|csproj|props</c> outside
    /// <c>obj/</c> and <c>bin/</c>, and the root's <c>Directory.*.props</c>) is newer than
    /// <paramref name="built"/>.</summary>
    public static bool IsStale(string root, DateTime built)
    {
        foreach (string props in new[] { "Directory.Build.props", "Directory.Packages.props" })
        {
            var info = new FileInfo(Path.Combine(root, props));
            if (info.Exists && info.LastWriteTimeUtc > built)
            {
                return true;
            }
        }

        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(Path.Combine(root, "src")));
        while (pending.Count > 0)
        {
            DirectoryInfo dir = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = dir.EnumerateFileSystemInfos();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (FileSystemInfo entry in entries)
            {
                if (entry is DirectoryInfo sub)
                {
                    if (sub.Name is not ("obj" or "bin"))
                    {
                        pending.Push(sub);
                    }
                }
                else if (entry.Extension is ".cs" or ".csproj" or ".props" && entry.LastWriteTimeUtc > built)
                {
                    return true;
                }
            }
        }

        return false;
    }

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
