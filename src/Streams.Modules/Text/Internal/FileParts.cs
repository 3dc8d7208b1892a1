using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Streams.Pipelines;

namespace Streams.Modules.Text.Internal;

/// <summary>Reads a large regular file on several threads, for the commands whose result over a file is the sum of
/// their results over its lines (<c>wc</c>, <c>grep -c</c>).</summary>
/// <remarks>
/// <para>The file is cut into chunks of <see cref="MinimumPart"/> bytes that the threads take one at a time from a
/// shared counter, so that a thread that starts late or shares its processor takes fewer (with a fixed half each,
/// the helper thread's start-up was added to the whole: <c>wc -l</c> of 60 MB took 1.7 ms longer, docs/benchmarks.md).
/// A chunk owns the lines that start in it. It is read with <c>pread</c> into the thread's buffer and handed to the
/// scanner in blocks of whole lines; only the block at the very end of the file may lack its final newline. A line
/// longer than the buffer grows it. The last chunk reads on until <c>pread</c> reports the end, so a file that
/// grows while it is read is read as far as a sequential reader would have.</para>
/// <para>The caller owns the handle; nothing here closes it or moves its offset. Each scanner state is touched by
/// one thread only, and the caller sees all of them once every thread is done. The helpers are threads of their
/// own, not the pool's: the pool would also start its gate thread.</para>
/// </remarks>
internal static partial class FileParts
{
    /// <summary>The size of a chunk; a file of less than two is read by one thread, the caller's own way.</summary>
    public const long MinimumPart = 4 << 20;

    private const int BlockSize = 64 * 1024;

    /// <summary>Scans one block of whole lines (the last block of a file may lack its final newline). The block is
    /// the scanner's to change.</summary>
    public delegate void Scanner<TState>(ref TState state, Span<byte> lines);

    /// <summary>Whether a file of <paramref name="length"/> bytes from <paramref name="start"/> is worth reading in
    /// parts on this machine.</summary>
    public static bool Worthwhile(long start, long length) => length - start >= 2 * MinimumPart;

    /// <summary>Scans the input <paramref name="name"/> of a command in parts when it is a regular file large enough
    /// to be worth it: <c>-</c> is standard input when the stage may read the shell's descriptor itself
    /// (<see cref="StageContext.InputDescriptor"/>), whose offset is then left where reading it to the end would
    /// have left it; any other name is a path.</summary>
    /// <returns>False when the input is not such a file or cannot be opened: nothing was read, and the caller reads
    /// it (and reports its errors) the ordinary way.</returns>
    /// <exception cref="IOException">A read failed.</exception>
    public static bool TryScan<TState>(StageContext context, string name, TState[] states, Scanner<TState> scan)
    {
        if (Environment.ProcessorCount < 2)
        {
            return false;
        }

        if (name == "-" || StandardNames.IsInput(name))
        {
            if (context.InputDescriptor is not int descriptor || context.InputLength is not long length)
            {
                return false;
            }

            long start = Offset(descriptor);
            if (start < 0 || !Worthwhile(start, length))
            {
                return false;
            }

            using var input = new SafeFileHandle(descriptor, ownsHandle: false);
            MoveTo(descriptor, Scan(input, start, states, scan, context.CancellationToken));
            return true;
        }

        SafeFileHandle file;
        try
        {
            // A FIFO or a device has no length here, so it is never opened (which could block) on this path.
            var info = new FileInfo(context.ResolvePath(name));
            if (!info.Exists || !Worthwhile(0, info.Length))
            {
                return false;
            }

            file = File.OpenHandle(info.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        using (file)
        {
            Scan(file, 0, states, scan, context.CancellationToken);
        }

        return true;
    }

    /// <summary>Scans <paramref name="file"/> from <paramref name="start"/> to its end on several threads.</summary>
    /// <param name="file">A regular file open for reading.</param>
    /// <param name="start">The offset to start from, taken as the start of a line.</param>
    /// <param name="states">One fresh state per thread; its length is the most threads to use. A thread's state
    /// receives the blocks of every chunk that thread took, in no particular order.</param>
    /// <param name="scan">Called with each block of whole lines, on the thread that read it.</param>
    /// <param name="cancellationToken">Checked between blocks.</param>
    /// <param name="chunk">The share of the file a thread takes at a time (tests make it small).</param>
    /// <returns>The offset just past the last byte read.</returns>
    /// <exception cref="IOException">A read failed.</exception>
    public static long Scan<TState>(SafeFileHandle file, long start, TState[] states, Scanner<TState> scan, CancellationToken cancellationToken, long chunk = MinimumPart)
    {
        long length = Math.Max(RandomAccess.GetLength(file), start);
        var work = new Chunks<TState>(file, start, Math.Max(1, (length - start + chunk - 1) / chunk), chunk, states, scan, cancellationToken);
        int threads = (int)Math.Min(states.Length, work.Count);
        var others = new Thread[threads - 1];
        for (int i = 0; i < others.Length; i++)
        {
            int worker = i + 1;
            others[i] = new Thread(() => work.Run(worker)) { IsBackground = true, Name = "file part" };
            others[i].UnsafeStart();
        }

        work.Run(0);
        foreach (Thread other in others)
        {
            other.Join();
        }

        work.ThrowIfFailed();
        return work.End;
    }

    /// <summary>The current offset of a descriptor (<c>lseek(fd, 0, SEEK_CUR)</c>), or -1 when it has none.</summary>
    public static long Offset(int descriptor) => LSeek(descriptor, 0, 1);

    /// <summary>Moves a descriptor's offset to <paramref name="offset"/>, as reading up to there would have.</summary>
    public static void MoveTo(int descriptor, long offset) => LSeek(descriptor, offset, 0);

    // The chunks of one scan, taken by the threads one at a time from a shared counter, so that a thread that
    // starts late (or shares its processor) takes fewer. Chunk i owns the lines that start in
    // [start + i * size, start + (i + 1) * size): it begins just past the first newline at or after its first
    // byte's predecessor and ends just past the first newline at or after its own last byte, which is where
    // chunk i + 1 begins. The last chunk reads on to the end of the file.
    private sealed class Chunks<TState>(SafeFileHandle file, long start, long count, long size, TState[] states, Scanner<TState> scan, CancellationToken cancellationToken)
    {
        private long _next;
        private Exception? _failure;

        public long Count => count;

        /// <summary>Where the last chunk stopped reading.</summary>
        public long End { get; private set; }

        public void Run(int worker)
        {
            try
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
                try
                {
                    for (long i = Interlocked.Increment(ref _next) - 1; i < count && Volatile.Read(ref _failure) is null; i = Interlocked.Increment(ref _next) - 1)
                    {
                        long from = start + (i * size);
                        long to = i == count - 1 ? long.MaxValue : from + size;
                        long end = ScanChunk(ref buffer, from, i == 0, to, ref states[worker]);
                        if (i == count - 1)
                        {
                            End = end;
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
            }
        }

        public void ThrowIfFailed()
        {
            if (_failure is not null)
            {
                ExceptionDispatchInfo.Throw(_failure);
            }
        }

        // Scans the lines that start in [from, to) (to the end of the file when `to` is long.MaxValue) in blocks of
        // whole lines; returns where it stopped reading.
        private long ScanChunk(ref byte[] buffer, long from, bool first, long to, ref TState state)
        {
            // Unless it is the first, the chunk reads from the byte before its own and drops everything up to and
            // including the first newline: a line that started earlier is its predecessor's.
            bool aligned = first;
            long offset = first ? from : from - 1;
            int held = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (held == buffer.Length)
                {
                    // One line fills the buffer: make room for more of it.
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, held).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                // Up to the nominal end, then a block at a time until the newline that ends the chunk.
                long wanted = to > offset ? to - offset : BlockSize;
                int room = (int)Math.Min(buffer.Length - held, wanted);
                int n = RandomAccess.Read(file, buffer.AsSpan(held, room), offset);
                if (n == 0)
                {
                    if (aligned && held > 0)
                    {
                        scan(ref state, buffer.AsSpan(0, held));
                    }

                    return offset;
                }

                offset += n;
                held += n;
                long at = offset - held; // the file offset of buffer[0]
                if (!aligned)
                {
                    int newline = buffer.AsSpan(0, held).IndexOf((byte)'\n');
                    if (newline < 0 || at + newline + 1 >= to)
                    {
                        // Still inside the line that started earlier; once past the end, nothing here is ours.
                        held = 0;
                        if (newline >= 0 || offset >= to)
                        {
                            return offset;
                        }

                        continue;
                    }

                    held -= newline + 1;
                    buffer.AsSpan(newline + 1, held).CopyTo(buffer);
                    at += newline + 1;
                    aligned = true;
                }

                if (offset >= to)
                {
                    // The chunk's last line ends at the first newline at or after its last byte.
                    int tail = (int)Math.Max(0, to - 1 - at);
                    int last = buffer.AsSpan(tail, held - tail).IndexOf((byte)'\n');
                    if (last >= 0)
                    {
                        scan(ref state, buffer.AsSpan(0, tail + last + 1));
                        return offset;
                    }
                }

                int whole = buffer.AsSpan(0, held).LastIndexOf((byte)'\n');
                if (whole < 0)
                {
                    continue;
                }

                scan(ref state, buffer.AsSpan(0, whole + 1));
                held -= whole + 1;
                buffer.AsSpan(whole + 1, held).CopyTo(buffer);
            }
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "lseek")]
    private static partial long LSeek(int fd, long offset, int whence);
}
