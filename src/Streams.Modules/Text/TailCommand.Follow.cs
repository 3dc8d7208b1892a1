using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>-f</c>, <c>-F</c>: following files as they grow, by descriptor or by name.</summary>
internal sealed partial class TailCommand
{
    /// <summary>How <c>-f</c> follows a file.</summary>
    private enum FollowMode
    {
        /// <summary>No following.</summary>
        None,

        /// <summary>The file opened at the start, whatever it is renamed to (<c>--follow=descriptor</c>, <c>-f</c>).</summary>
        Descriptor,

        /// <summary>Whatever file has the name: a rotated log is followed into its new file (<c>--follow=name</c>).</summary>
        Name,
    }

    /// <summary>One file being followed: its name as given, its path, the descriptor being read (null while the
    /// name names nothing readable), how far it has been read, and the identity of the file it is open on.</summary>
    private sealed class Followed(string name, string path, long offset)
    {
        public string Name { get; } = name;

        public string Path { get; } = path;

        public long Offset { get; set; } = offset;

        public SafeFileHandle? Handle { get; set; }

        public (ulong Device, ulong Inode) Identity { get; set; }

        /// <summary>The file at <paramref name="path"/>, opened now (or later, when it cannot be).</summary>
        public static Followed Open(string name, string path)
        {
            var file = new Followed(name, path, 0);
            if (TryOpen(path, out SafeFileHandle? handle, out (ulong, ulong) identity))
            {
                (file.Handle, file.Identity) = (handle, identity);
            }

            return file;
        }

        /// <summary>Follows it from <paramref name="offset"/> on.</summary>
        public void Add(List<Followed> followed, long offset)
        {
            Offset = offset;
            followed.Add(this);
        }
    }

    // Follows the files until cancelled, until process `pid` (when given) has ended, or (without --retry) until
    // none is left; returns the exit status. Every appended byte goes out; a file that shrank is read again from
    // its start. By name, a name whose file was replaced is drained first, then followed into the new file.
    private async ValueTask<int> FollowAsync(StageContext context, List<Followed> files, FollowMode mode, bool retry, int? pid, bool headers, TimeSpan interval)
    {
        CancellationToken token = context.CancellationToken;
        byte[] buffer = new byte[StageIO.BatchSize];
        try
        {
            await context.Output.FlushOrStopAsync(token).ConfigureAwait(false);
            TimeSpan pause = interval < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : interval / 4;
            while (true)
            {
                // The process's state is taken before the last look at the files, so nothing it wrote is missed.
                bool ended = pid is int p && !IsAlive(p);
                for (int i = 0; i < files.Count; i++)
                {
                    Followed file = files[i];
                    if (file.Handle is null)
                    {
                        if (!TryOpen(file.Path, out SafeFileHandle? handle, out (ulong, ulong) identity))
                        {
                            continue;
                        }

                        (file.Handle, file.Identity, file.Offset) = (handle, identity, 0);
                        await context.WriteErrorLineAsync($"tail: '{file.Name}' has appeared;  following new file").ConfigureAwait(false);
                    }
                    else if (mode == FollowMode.Name)
                    {
                        FileKind kind = FileKinds.Of(file.Path, followLinks: true, out (ulong Device, ulong Inode) identity);
                        if (kind is FileKind.Missing or FileKind.Directory || identity != file.Identity)
                        {
                            // What was appended to the old file before it went still goes out.
                            await DrainAsync(context, file, buffer, headers).ConfigureAwait(false);
                            file.Handle.Dispose();
                            file.Handle = null;
                            if (kind is FileKind.Missing or FileKind.Directory)
                            {
                                await context.WriteErrorLineAsync($"tail: '{file.Name}' has become inaccessible: {(kind == FileKind.Missing ? "No such file or directory" : "Is a directory")}").ConfigureAwait(false);
                                if (!retry)
                                {
                                    files.RemoveAt(i--);
                                }

                                continue;
                            }

                            if (!TryOpen(file.Path, out SafeFileHandle? handle, out identity))
                            {
                                continue;
                            }

                            (file.Handle, file.Identity, file.Offset) = (handle, identity, 0);
                            await context.WriteErrorLineAsync($"tail: '{file.Name}' has been replaced;  following new file").ConfigureAwait(false);
                        }
                    }

                    await DrainAsync(context, file, buffer, headers).ConfigureAwait(false);
                }

                if (files.Count == 0)
                {
                    await context.WriteErrorLineAsync("tail: no files remaining").ConfigureAwait(false);
                    return 1;
                }

                if (ended)
                {
                    return 0;
                }

                await Task.Delay(pause, token).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (Followed file in files)
            {
                file.Handle?.Dispose();
            }
        }
    }

    // Writes what the file holds past the followed offset (from its start when it shrank), under its header when
    // the last output was another file's.
    private async ValueTask DrainAsync(StageContext context, Followed file, byte[] buffer, bool headers)
    {
        SafeFileHandle handle = file.Handle!;
        long length = RandomAccess.GetLength(handle);
        if (length < file.Offset)
        {
            await context.WriteErrorLineAsync($"tail: {file.Name}: file truncated").ConfigureAwait(false);
            file.Offset = 0;
        }

        bool wrote = false;
        int read;
        while ((read = await RandomAccess.ReadAsync(handle, buffer, file.Offset, context.CancellationToken).ConfigureAwait(false)) > 0)
        {
            if (headers && _lastHeader != file.Name)
            {
                WriteHeader(context.Output, file.Name);
            }

            context.Output.Write(buffer.AsSpan(0, read));
            file.Offset += read;
            wrote = true;
        }

        if (wrote)
        {
            // Following is interactive: what has been appended goes out now.
            await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        }
    }

    private static bool TryOpen(string path, out SafeFileHandle? handle, out (ulong Device, ulong Inode) identity)
    {
        handle = null;
        identity = default;
        if (FileKinds.Of(path, followLinks: true, out _) is FileKind.Missing or FileKind.Directory)
        {
            return false;
        }

        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        FileKinds.OfDescriptor((int)handle.DangerousGetHandle(), out identity, out _);
        return true;
    }

    // Whether process `pid` exists (kill with signal 0; EPERM means it exists but is not ours).
    private static bool IsAlive(int pid) => Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1;

    [LibraryImport("libc.so.6", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
