using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;

namespace Streams.Transports.Servers;

/// <summary>A pair of FIFOs, <c>PATH.in</c> and <c>PATH.out</c>, served one writer session at a time: a session
/// begins when a program opens <c>PATH.in</c> for writing and ends when the last writer closes it; what comes up
/// the session's stream is written to <c>PATH.out</c>, opened when there is something to write and closed at the
/// end of the session (so <c>cat PATH.out</c> ends).</summary>
/// <remarks>open(2) of a FIFO blocks until the other end is opened, so the opens run on their own threads and
/// are undone, when stopping, by opening the other end without blocking.</remarks>
internal sealed class FifoListener : ConnectionListener
{
    private readonly string _in;
    private readonly string _out;
    private readonly ulong _inInode;
    private readonly ulong _outInode;
    private long _count;
    private int _disposed;

    private FifoListener(string path, ulong inInode, ulong outInode)
    {
        _in = path + ".in";
        _out = path + ".out";
        _inInode = inInode;
        _outInode = outInode;
        Address = "fifo:" + path;
    }

    public override string Address { get; }

    public static FifoListener Create(StreamAddress address, StreamServerOptions options)
    {
        string path = Path.GetFullPath(address.Path!);
        string input = path + ".in", output = path + ".out";
        bool staleIn = CheckInput(input, address.Text);
        CheckOutput(output, address.Text, staleIn);
        UnixFileMode mode = options.SocketMode ?? (UnixFileMode.UserRead | UnixFileMode.UserWrite);
        UnixFiles.MakeFifo(input, mode);
        try
        {
            UnixFiles.MakeFifo(output, mode);
        }
        catch (IOException)
        {
            UnixFiles.RemoveIfOurs(input, UnixFileKind.Fifo, 0);
            throw;
        }

        if (!OperatingSystem.IsWindows())
        {
            // mkfifo applied the umask; the mode asked for is the mode wanted.
            File.SetUnixFileMode(input, mode);
            File.SetUnixFileMode(output, mode);
        }

        UnixFiles.GetKind(input, out ulong inInode);
        UnixFiles.GetKind(output, out ulong outInode);
        return new FifoListener(path, inInode, outInode);
    }

    public override async ValueTask<AcceptedConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        Task<SafeFileHandle> opening = Task.Factory.StartNew(() => File.OpenHandle(_in, FileMode.Open, FileAccess.Read), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await UnblockAsync(opening, _in, write: true).ConfigureAwait(false);
            throw;
        }

        SafeFileHandle handle = await opening.ConfigureAwait(false);
        var input = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        string name = Address + "#" + Interlocked.Increment(ref _count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var output = new LazyFifoWriter(_out);
        var pipe = new Duplex(PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true)), output.Writer);
        return new AcceptedConnection(name, new DuplexPipeDriver(name, pipe, new DuplexPipeDriverOptions
        {
            // The session's output is over once PATH.out has had everything: a close waits for that.
            WritesCompleted = () => output.StopAsync(abort: false),
            Stopped = async abort =>
            {
                await output.StopAsync(abort).ConfigureAwait(false);
                await input.DisposeAsync().ConfigureAwait(false);
            },
        }));
    }

    public override ValueTask DisposeAsync()
    {
        RemoveFiles();
        return default;
    }

    public override void RemoveFiles()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            UnixFiles.RemoveIfOurs(_in, UnixFileKind.Fifo, _inInode);
            UnixFiles.RemoveIfOurs(_out, UnixFileKind.Fifo, _outInode);
        }
    }

    /// <summary>Ends a blocked open of a FIFO end by opening the other end without blocking, a few times in
    /// case the open had not begun yet.</summary>
    internal static async Task UnblockAsync(Task opening, string path, bool write)
    {
        for (int i = 0; i < 100 && !opening.IsCompleted; i++)
        {
            int fd = UnixFiles.OpenNonBlocking(path, write, out _);
            UnixFiles.CloseDescriptor(fd);
            await Task.WhenAny(opening, Task.Delay(20)).ConfigureAwait(false);
        }

        if (opening.IsCompletedSuccessfully && opening is Task<SafeFileHandle> { Result: var handle })
        {
            handle.Dispose();
        }
    }

    // True when a FIFO at PATH.in is stale (nobody reads it); throws when it is in use or not a FIFO.
    private static bool CheckInput(string path, string what)
    {
        switch (UnixFiles.GetKind(path, out _))
        {
            case UnixFileKind.Missing:
                return false;
            case UnixFileKind.Fifo:
                int fd = UnixFiles.OpenNonBlocking(path, write: true, out int errno);
                if (fd >= 0)
                {
                    UnixFiles.CloseDescriptor(fd);
                    throw new IOException($"{what}: {path} is in use (something reads it)");
                }

                if (errno != UnixFiles.NoReader)
                {
                    throw new IOException($"{what}: {path} cannot be probed (errno {errno}); refusing to replace it");
                }

                File.Delete(path);
                return true;
            default:
                throw new IOException($"{what}: {path} exists and is not a FIFO (refusing to replace it)");
        }
    }

    private static void CheckOutput(string path, string what, bool staleInput)
    {
        switch (UnixFiles.GetKind(path, out _))
        {
            case UnixFileKind.Missing:
                return;
            case UnixFileKind.Fifo when staleInput:
                File.Delete(path);
                return;
            case UnixFileKind.Fifo:
                throw new IOException($"{what}: {path} exists without {Path.GetFileNameWithoutExtension(path)}.in (refusing to replace it)");
            default:
                throw new IOException($"{what}: {path} exists and is not a FIFO (refusing to replace it)");
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
