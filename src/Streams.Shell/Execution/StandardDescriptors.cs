using System.Runtime.InteropServices;

namespace Streams.Shell.Execution;

/// <summary>The process's standard descriptors (0, 1, 2) as the parent left them.</summary>
/// <remarks>A parent may start the shell with one of them closed (<c>streams -c … &lt;&amp;-</c>). The runtime opens
/// files of its own before <c>Main</c> (it keeps <c>/dev/urandom</c> open), and a closed 0 is the first number it
/// gets: read as stdin, it would feed the shell random bytes. A descriptor opened after <c>exec</c> carries
/// <c>FD_CLOEXEC</c> (an inherited one cannot: exec would have closed it), which tells the two apart.</remarks>
internal static partial class StandardDescriptors
{
    private const int GetFlags = 1;
    private const int CloseOnExec = 1;
    private const int ReadOnly = 0;
    private const int WriteOnly = 1;
    private const int OpenCloseOnExec = 0x80000;

    /// <summary>For each of 0, 1, 2, whether the parent gave it to this process. A number still free is taken by
    /// <c>/dev/null</c> opened the other way and closed on exec: nothing the shell opens later lands on it, a read
    /// or write through it fails with EBADF as on a closed descriptor, and programs the shell starts find it
    /// closed, as under sh.</summary>
    public static bool[] Claim()
    {
        var inherited = new bool[3];
        for (int fd = 0; fd < 3; fd++)
        {
            int flags = Fcntl(fd, GetFlags);
            inherited[fd] = flags >= 0 && (flags & CloseOnExec) == 0;
            if (flags < 0)
            {
                // The lower numbers are all taken, so open returns this one.
                Open("/dev/null", (fd == 0 ? WriteOnly : ReadOnly) | OpenCloseOnExec);
            }
        }

        return inherited;
    }

    [LibraryImport("libc.so.6", EntryPoint = "fcntl")]
    private static partial int Fcntl(int fd, int command);

    [LibraryImport("libc.so.6", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
