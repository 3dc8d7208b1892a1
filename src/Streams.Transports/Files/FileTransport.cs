using Microsoft.Win32.SafeHandles;

namespace Streams.Transports.Files;

/// <summary>Descriptors, files and FIFOs as drivers: <c>stdio</c>, <c>fd:N</c>, <c>file:PATH</c> (with a mode)
/// and <c>fifo:PATH</c>.</summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>stdio</c>: reads this process's standard input, writes its standard output. A downward hangup closes
/// the driver's own copy of stdout (the process keeps fd 1).</item>
/// <item><c>fd:N</c>: an inherited descriptor, read and written as its access mode allows (a read-only
/// descriptor refuses writes, a write-only one has no input). The descriptor is not closed by the driver: the
/// process owns it.</item>
/// <item><c>file:PATH</c> reads the file and ends (a hangup) at its end; writes are refused with an error
/// naming the address. <c>file:&gt;PATH</c> creates or truncates and writes, <c>file:&gt;&gt;PATH</c> appends;
/// both have no input: the read side ends once the writer has finished. <c>file:&lt;&gt;PATH</c> opens the
/// file (creating it) twice, one handle reading from the start to its end, one writing from the start without
/// truncating.</item>
/// <item><c>fifo:PATH</c> opens the FIFO for reading (as <c>cat &lt; PATH</c>; the end comes when every writer
/// has closed it), <c>fifo:&gt;PATH</c> for writing (as <c>echo &gt; PATH</c>; a downward hangup closes it, which
/// is the reader's end of file). The open waits for the other end, as in the shell; cancelling it wakes it.
/// A FIFO is never opened read-write (O_RDWR): that would keep its own end open and hide the other end's
/// close.</item>
/// </list>
/// </remarks>
public static class FileTransport
{
    /// <summary>The size of the regular file at <paramref name="path"/> (links followed), as <c>stat</c> gives it;
    /// null for anything else (a directory, a FIFO, a device) and off Linux. The shell gives it to <c>wc</c>
    /// for <c>&lt; FILE</c> (<see cref="Pipelines.StageContext.InputLength"/>).</summary>
    public static long? RegularFileLength(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Servers.UnixFiles.RegularFileLength(path);
    }

    /// <summary>The size of the regular file open on descriptor <paramref name="descriptor"/>, as <c>fstat</c> gives
    /// it; null for a pipe, a terminal, a device, and off Linux.</summary>
    public static long? RegularFileLength(int descriptor) => Servers.UnixFiles.RegularFileLength(null, descriptor);

    /// <summary>Opens a <c>stdio</c>, <c>fd:</c>, <c>file:</c> or <c>fifo:</c> address as a driver.</summary>
    /// <exception cref="StreamException">The file cannot be opened; names the address and says why.</exception>
    public static async Task<StreamDriver> OpenAsync(StreamAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        string name = address.Text;
        try
        {
            switch (address.Scheme)
            {
                case AddressScheme.Stdio:
                    return StreamPipes.CreateDriver(Console.OpenStandardInput(), Console.OpenStandardOutput(), name);
                case AddressScheme.Fd:
                    return OpenDescriptor(address);
                case AddressScheme.File:
                    return OpenFile(address);
                case AddressScheme.Fifo:
                    return await OpenFifoAsync(address, cancellationToken).ConfigureAwait(false);
                default:
                    throw new ArgumentException($"'{address}' is not a stdio, fd, file or fifo address", nameof(address));
            }
        }
        catch (Exception ex) when (ex is IOException and not StreamException || ex is UnauthorizedAccessException)
        {
            throw new StreamException(name, Describe(ex), ex);
        }
    }

    internal static string Describe(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        _ => ex.Message,
    };

    private static DuplexPipeDriver OpenDescriptor(StreamAddress address)
    {
        int fd = address.Descriptor;
        int mode = Native.AccessMode(fd);
        if (mode < 0)
        {
            throw new StreamException(address.Text, "bad file descriptor (not open)");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: false);
        var access = mode switch
        {
            Native.ReadOnly => FileAccess.Read,
            Native.WriteOnly => FileAccess.Write,
            _ => FileAccess.ReadWrite,
        };
        var stream = new FileStream(handle, access, bufferSize: 0);
        return StreamPipes.CreateDriver(access == FileAccess.Write ? null : stream, access == FileAccess.Read ? null : stream, address.Text);
    }

    private static DuplexPipeDriver OpenFile(StreamAddress address)
    {
        string path = address.Path!;
        switch (address.Mode)
        {
            case FileAccessMode.Write:
            case FileAccessMode.Append:
                var output = new FileStream(path, address.Mode == FileAccessMode.Write ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous);
                return StreamPipes.CreateDriver(null, output, address.Text);
            case FileAccessMode.ReadWrite:
                var writer = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous);
                FileStream reader;
                try
                {
                    reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous);
                }
                catch
                {
                    writer.Dispose();
                    throw;
                }

                return StreamPipes.CreateDriver(reader, writer, address.Text);
            default:
                var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous);
                return StreamPipes.CreateDriver(input, null, address.Text);
        }
    }

    private static async Task<DuplexPipeDriver> OpenFifoAsync(StreamAddress address, CancellationToken cancellationToken)
    {
        string path = address.Path!;
        bool write = address.Mode is FileAccessMode.Write or FileAccessMode.Append;
        if (address.Mode == FileAccessMode.ReadWrite)
        {
            throw new StreamException(address.Text, "a FIFO is opened for reading (fifo:PATH) or writing (fifo:>PATH), not both");
        }

        if (!File.Exists(path))
        {
            throw new StreamException(address.Text, "no such file or directory (make it with mkfifo)");
        }

        // open(2) of a FIFO blocks until the other end is opened; it cannot be cancelled, only released by
        // opening the other end ourselves (without blocking) and closing it again.
        Task<SafeFileHandle> open = Task.Factory.StartNew(
            () => File.OpenHandle(path, FileMode.Open, write ? FileAccess.Write : FileAccess.Read),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        SafeFileHandle handle;
        try
        {
            handle = await open.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Native.Touch(path, write ? Native.ReadOnly : Native.WriteOnly);
            _ = open.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }

        var stream = new FileStream(handle, write ? FileAccess.Write : FileAccess.Read, bufferSize: 0);
        return write ? StreamPipes.CreateDriver(null, stream, address.Text) : StreamPipes.CreateDriver(stream, null, address.Text);
    }
}
