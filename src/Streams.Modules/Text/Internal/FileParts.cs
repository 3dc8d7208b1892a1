using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Streams.Pipelines;

namespace Streams.Modules.Text.Internal;

/// <summary>Reads a large regular file in parts that end on a newline, each part on its own processor, for the
/// commands whose result over a file is the sum of their results over its lines (<c>wc</c>, <c>grep -c</c>).</summary>
/// <remarks>
/// <para>A part is read with <c>pread</c> into a buffer of its own and handed to the scanner in blocks of whole
/// lines; only the block at the very end of the file may lack its final newline. A line longer than the buffer
/// grows it. The last part reads on until <c>pread</c> reports the end, so a file that grows while it is read is
/// read as far as a sequential reader would have.</para>
/// <para>The caller owns the handle; nothing here closes it or moves its offset. Each scanner state is touched by
/// one thread only, and the caller sees all of them once every part is done.</para>
/// </remarks>
internal static partial class FileParts
{
    /// <summary>The least a part may hold: a smaller file is read by one thread, the caller's own way.</summary>
    public const long MinimumPart = 4 << 20;

    private const int BlockSize = 256 * 1024;

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

    /// <summary>Scans <paramref name="file"/> from <paramref name="start"/> to its end in parts on several threads.</summary>
    /// <param name="file">A regular file open for reading.</param>
    /// <param name="start">The offset to start from.</param>
    /// <param name="states">One fresh state per part, in file order; its length is the most parts to use.</param>
    /// <param name="scan">Called with each block of each part, on that part's thread.</param>
    /// <param name="cancellationToken">Checked between blocks.</param>
    /// <returns>The offset just past the last byte read.</returns>
    /// <exception cref="IOException">A read failed.</exception>
    public static long Scan<TState>(SafeFileHandle file, long start, TState[] states, Scanner<TState> scan, CancellationToken cancellationToken)
    {
        long length = RandomAccess.GetLength(file);
        long[] bounds = Bounds(file, start, Math.Max(length, start), states.Length);
        int parts = bounds.Length - 1;
        var ends = new long[parts];
        var others = new Task[parts - 1];
        for (int i = 1; i < parts; i++)
        {
            int part = i;
            others[i - 1] = Task.Run(() => ends[part] = ScanPart(file, bounds[part], part == parts - 1 ? long.MaxValue : bounds[part + 1], ref states[part], scan, cancellationToken), cancellationToken);
        }

        Exception? failure = null;
        try
        {
            ends[0] = ScanPart(file, bounds[0], parts == 1 ? long.MaxValue : bounds[1], ref states[0], scan, cancellationToken);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        try
        {
            Task.WaitAll(others);
        }
        catch (AggregateException ex)
        {
            failure ??= ex.InnerExceptions[0];
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return ends[^1];
    }

    /// <summary>The current offset of a descriptor (<c>lseek(fd, 0, SEEK_CUR)</c>), or -1 when it has none.</summary>
    public static long Offset(int descriptor) => LSeek(descriptor, 0, 1);

    /// <summary>Moves a descriptor's offset to <paramref name="offset"/>, as reading up to there would have.</summary>
    public static void MoveTo(int descriptor, long offset) => LSeek(descriptor, offset, 0);

    // The starts of the parts and, last, the nominal end: each inner bound just past the first newline at or after
    // its even share; bounds that a long line swallows merge with the next.
    private static long[] Bounds(SafeFileHandle file, long start, long length, int most)
    {
        int parts = (int)Math.Clamp((length - start) / MinimumPart, 1, Math.Max(1, most));
        var bounds = new List<long>(parts + 1) { start };
        byte[] probe = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            for (int i = 1; i < parts; i++)
            {
                long at = Math.Max(start + ((length - start) / parts * i), bounds[^1]);
                long bound = NextLineStart(file, at, length, probe);
                if (bound > bounds[^1] && bound < length)
                {
                    bounds.Add(bound);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(probe);
        }

        bounds.Add(length);
        return [.. bounds];
    }

    // The offset just past the first newline at or after `at`, or `length` when there is none before it.
    private static long NextLineStart(SafeFileHandle file, long at, long length, byte[] probe)
    {
        for (long offset = at; offset < length;)
        {
            int n = RandomAccess.Read(file, probe.AsSpan(0, (int)Math.Min(probe.Length, length - offset)), offset);
            if (n == 0)
            {
                break;
            }

            int newline = probe.AsSpan(0, n).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                return offset + newline + 1;
            }

            offset += n;
        }

        return length;
    }

    // Reads [from, to) (to the end of the file when `to` is long.MaxValue) in blocks of whole lines; returns where
    // it stopped.
    private static long ScanPart<TState>(SafeFileHandle file, long from, long to, ref TState state, Scanner<TState> scan, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            int held = 0;
            long offset = from;
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

                int room = (int)Math.Min(buffer.Length - held, to - offset);
                int n = room == 0 ? 0 : RandomAccess.Read(file, buffer.AsSpan(held, room), offset);
                if (n == 0)
                {
                    if (held > 0)
                    {
                        scan(ref state, buffer.AsSpan(0, held));
                    }

                    return offset;
                }

                offset += n;
                held += n;
                int last = buffer.AsSpan(0, held).LastIndexOf((byte)'\n');
                if (last < 0)
                {
                    continue;
                }

                scan(ref state, buffer.AsSpan(0, last + 1));
                held -= last + 1;
                buffer.AsSpan(last + 1, held).CopyTo(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "lseek")]
    private static partial long LSeek(int fd, long offset, int whence);
}
