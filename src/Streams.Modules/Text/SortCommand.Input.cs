using System.Buffers;
using System.IO.Pipelines;
using Streams.Pipelines;
using Streams.Modules.Text.Internal;

namespace Streams.Modules.Text;

internal sealed partial class SortCommand
{
    /// <summary>Sorts in parallel for large inputs: chunks sorted on the thread pool, then merged pairwise.
    /// The comparer's position tie-break makes the result identical to a single stable sort.</summary>
    private static LineSpan[] Sort(LineSpan[] lines, LineComparer comparer)
    {
        const int MinChunk = 64 * 1024;
        int chunks = Math.Min(Environment.ProcessorCount, lines.Length / MinChunk);
        if (chunks < 2)
        {
            lines.AsSpan().Sort(comparer);
            return lines;
        }

        int size = (lines.Length + chunks - 1) / chunks;
        var bounds = new List<(int Start, int End)>();
        for (int start = 0; start < lines.Length; start += size)
        {
            bounds.Add((start, Math.Min(lines.Length, start + size)));
        }

        Parallel.ForEach(bounds, b => lines.AsSpan(b.Start, b.End - b.Start).Sort(comparer));
        var scratch = new LineSpan[lines.Length];
        LineSpan[] source = lines, target = scratch;
        while (bounds.Count > 1)
        {
            var merged = new List<(int Start, int End)>();
            var pairs = new List<((int Start, int End) Left, (int Start, int End) Right)>();
            for (int i = 0; i < bounds.Count; i += 2)
            {
                if (i + 1 < bounds.Count)
                {
                    pairs.Add((bounds[i], bounds[i + 1]));
                    merged.Add((bounds[i].Start, bounds[i + 1].End));
                }
                else
                {
                    pairs.Add((bounds[i], (bounds[i].End, bounds[i].End)));
                    merged.Add(bounds[i]);
                }
            }

            LineSpan[] from = source, to = target;
            Parallel.ForEach(pairs, p => Merge(from, p.Left, p.Right, to, comparer));
            (source, target) = (target, source);
            bounds = merged;
        }

        return source;
    }

    private static void Merge(LineSpan[] from, (int Start, int End) left, (int Start, int End) right, LineSpan[] to, LineComparer comparer)
    {
        int i = left.Start, j = right.Start, k = left.Start;
        while (i < left.End && j < right.End)
        {
            to[k++] = comparer.Compare(from[i], from[j]) <= 0 ? from[i++] : from[j++];
        }

        while (i < left.End)
        {
            to[k++] = from[i++];
        }

        while (j < right.End)
        {
            to[k++] = from[j++];
        }
    }

    /// <summary>At most this many bytes of input are held (one array: .NET's largest byte array); tests lower it
    /// to check the message without gigabytes of data.</summary>
    internal long MemoryLimit { get; init; } = Array.MaxLength;

    /// <summary>Merges the inputs (each file's lines, in order, end at a byte offset of <paramref name="fileEnds"/>)
    /// as GNU's <c>sort -m</c> does: the smallest of the files' current lines goes next, the earlier file first
    /// among equals; an input that is not sorted is not sorted here either.</summary>
    private static LineSpan[] Merge(LineSpan[] lines, List<int> fileEnds, LineComparer comparer)
    {
        var ends = new List<(int Next, int End)>();
        int at = 0;
        foreach (int end in fileEnds)
        {
            int first = at;
            while (at < lines.Length && lines[at].Start < end)
            {
                at++;
            }

            if (at > first)
            {
                ends.Add((first, at));
            }
        }

        // Lines of an earlier file start earlier in the buffer, so the comparer's position tie-break is GNU's
        // file-order tie-break.
        var heads = new PriorityQueue<int, LineSpan>(Comparer<LineSpan>.Create(comparer.Compare));
        for (int f = 0; f < ends.Count; f++)
        {
            heads.Enqueue(f, lines[ends[f].Next]);
        }

        var merged = new LineSpan[lines.Length];
        int k = 0;
        while (heads.TryDequeue(out int f, out LineSpan line))
        {
            merged[k++] = line;
            (int next, int last) = ends[f];
            if (++next < last)
            {
                ends[f] = (next, last);
                heads.Enqueue(f, lines[next]);
            }
        }

        return merged;
    }

    private static async ValueTask<int> TooLargeAsync(StageContext context, InputBuffer input)
    {
        string message = $"sort: input too large for memory (more than {Gib(input.Length)} read; the limit is {Gib(input.Limit)})";
        await context.WriteErrorLineAsync(message).ConfigureAwait(false);
        return 2;
    }

    /// <summary>A size in GiB with one decimal, as the messages show it.</summary>
    internal static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " GiB";

    /// <summary>All of sort's input in one array; each input's last line gets a delimiter if it lacks one.</summary>
    private sealed class InputBuffer
    {
        private byte[] _data = new byte[64 * 1024];
        private int _length;

        public InputBuffer(long limit) => Limit = Math.Min(limit, Array.MaxLength);

        /// <summary>The bytes read (longer than the content; see <see cref="Split"/>).</summary>
        public byte[] Data => _data;

        /// <summary>How many bytes are held.</summary>
        public int Length => _length;

        /// <summary>The most bytes this buffer holds.</summary>
        public long Limit { get; }

        /// <summary>Appends everything from <paramref name="reader"/>; false when that would pass
        /// <see cref="Limit"/> (or memory runs out first).</summary>
        public async ValueTask<bool> AppendAsync(PipeReader reader, byte delimiter, CancellationToken cancellationToken)
        {
            int before = _length;
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    if (!TryAppend(segment.Span))
                    {
                        reader.AdvanceTo(result.Buffer.End);
                        return false;
                    }
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            return _length <= before || _data[_length - 1] == delimiter || TryAppend([delimiter]);
        }

        /// <summary>The lines, as offsets into <see cref="Data"/>, without delimiters.</summary>
        public LineSpan[] Split(byte delimiter)
        {
            ReadOnlySpan<byte> all = _data.AsSpan(0, _length);
            var lines = new LineSpan[all.Count(delimiter)];
            int start = 0;
            for (int n = 0; n < lines.Length; n++)
            {
                int end = start + all[start..].IndexOf(delimiter);
                lines[n] = new LineSpan(start, end - start);
                start = end + 1;
            }

            return lines;
        }

        private bool TryAppend(ReadOnlySpan<byte> bytes)
        {
            if ((long)_length + bytes.Length > Limit)
            {
                _length = (int)Math.Min((long)_length + bytes.Length, int.MaxValue);
                return false;
            }

            if (_length + bytes.Length > _data.Length)
            {
                long wanted = Math.Max((long)_data.Length * 2, (long)_length + bytes.Length);
                try
                {
                    Array.Resize(ref _data, (int)Math.Min(wanted, Limit));
                }
                catch (OutOfMemoryException)
                {
                    return false;
                }
            }

            bytes.CopyTo(_data.AsSpan(_length));
            _length += bytes.Length;
            return true;
        }
    }
}
