using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;

namespace Streams.Transports.Servers;

/// <summary>A pair of FIFOs, <c>PATH.in</c> and <c>PATH.out</c>, served one writer session at a time: a session
/// begins when a program opens <c>PATH.in</c> for writing and ends when the last writer closes it; what comes up
/// the session's stream is written to <c>PATH.out</c>, opened when there is something to write and closed at the
/// end of the session (so <c>cat PATH.out</c> ends).</summary>
/// <remarks>
/// <para>open(2) of a FIFO's write end blocks until the other end is opened, so the opens of <c>PATH.out</c> run on
/// their own threads and are undone, when stopping, by opening the other end without blocking.</para>
/// <para><c>PATH.in</c> is opened without blocking and polled until a writer has data or has come and gone. When a
/// session's input ends, the next session's reader is opened before the session closes its own: a writer that
/// connects in between (a script's next <c>echo … &gt; PATH.in</c> while the server still finishes the last
/// session) writes into a FIFO that still has a reader, and what it wrote is the next session's input. Closing
/// the old reader first would let the kernel drop those bytes with the last reader.</para>
/// </remarks>
internal sealed class FifoListener : ConnectionListener
{
    private readonly string _in;
    private readonly string _out;
    private readonly ulong _inInode;
    private readonly ulong _outInode;
    private readonly Lock _gate = new();
    private long _count;
    private int _disposed;
    private int _next = -1;

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
        int fd;
        lock (_gate)
        {
            (fd, _next) = (_next, -1);
        }

        if (fd < 0)
        {
            fd = UnixFiles.OpenNonBlocking(_in, write: false, out int errno);
            if (fd < 0)
            {
                throw new IOException($"{Address}: {_in} cannot be opened (errno {errno})");
            }
        }

        // A writer with data, or one that came and went: polled on a thread of its own, a fifth of a second at a
        // time so that a stop is seen.
        Task<bool> waiting = Task.Factory.StartNew(
            () =>
            {
                while (!UnixFiles.WaitReadable(fd, 200))
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return false;
                    }
                }

                return true;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        if (!await waiting.ConfigureAwait(false))
        {
            UnixFiles.CloseDescriptor(fd);
            cancellationToken.ThrowIfCancellationRequested();
        }

        UnixFiles.SetBlocking(fd);
        var input = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        string name = Address + "#" + Interlocked.Increment(ref _count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var output = new LazyFifoWriter(_out);
        var reader = new SessionInput(input, HoldNextReader);
        var pipe = new Duplex(PipeReader.Create(reader, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true)), output.Writer);
        return new AcceptedConnection(name, new DuplexPipeDriver(name, pipe, new DuplexPipeDriverOptions
        {
            // The session's output is over once PATH.out has had everything: a close waits for that.
            WritesCompleted = () => output.StopAsync(abort: false),
            Stopped = async abort =>
            {
                await output.StopAsync(abort).ConfigureAwait(false);
                HoldNextReader();
                await input.DisposeAsync().ConfigureAwait(false);
            },
        }));
    }

    /// <summary>Opens the next session's reader of <c>PATH.in</c> (once), before a session closes its own.</summary>
    private void HoldNextReader()
    {
        lock (_gate)
        {
            if (_next < 0 && Volatile.Read(ref _disposed) == 0)
            {
                _next = UnixFiles.OpenNonBlocking(_in, write: false, out _);
            }
        }
    }

    public override ValueTask DisposeAsync()
    {
        RemoveFiles();
        lock (_gate)
        {
            UnixFiles.CloseDescriptor(_next);
            _next = -1;
        }

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

    /// <summary>A session's reader of <c>PATH.in</c> that calls <paramref name="ended"/> when a read finds the end
    /// (every writer closed), before anything closes it.</summary>
    private sealed class SessionInput(Stream inner, Action ended) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Ended(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Ended(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Ended(int read)
        {
            if (read == 0)
            {
                ended();
            }

            return read;
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
