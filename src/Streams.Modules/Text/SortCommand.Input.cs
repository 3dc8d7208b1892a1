using System.Buffers;
using System.IO.Pipelines;
using Streams.Pipelines;
using Streams.Modules.Text.Internal;

namespace Streams.Modules.Text;

internal sealed partial class SortCommand
{
    /// <summary>Sorts in parallel for large inputs: chunks sorted on the thread pool, then merged pairwise. The
    /// sort and the merges are stable, so the result is that of one stable sort.</summary>
    private static LineSpan[] Sort(LineSpan[] lines, LineComparer comparer)
    {
        const int MinChunk = 64 * 1024;
        LineSpan[] scratch = LargeArrays.Allocate<LineSpan>(lines.Length);
        int chunks = Math.Min(Environment.ProcessorCount, lines.Length / MinChunk);
        if (chunks < 2)
        {
            SortChunk(lines, scratch, comparer);
            return lines;
        }

        int size = (lines.Length + chunks - 1) / chunks;
        var bounds = new List<(int Start, int End)>();
        for (int start = 0; start < lines.Length; start += size)
        {
            bounds.Add((start, Math.Min(lines.Length, start + size)));
        }

        Parallel.ForEach(bounds, b => SortChunk(lines.AsSpan(b.Start, b.End - b.Start), scratch.AsSpan(b.Start, b.End - b.Start), comparer));
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
            Parallel.ForEach(pairs, p => LineSort.Merge(
                from.AsSpan(p.Left.Start, p.Left.End - p.Left.Start),
                from.AsSpan(p.Right.Start, p.Right.End - p.Right.Start),
                to.AsSpan(p.Left.Start, p.Right.End - p.Left.Start),
                comparer));
            (source, target) = (target, source);
            bounds = merged;
        }

        return source;
    }

    // Whole lines, or plain integer keys, by radix; anything else by merge sort; all stable.
    private static void SortChunk(Span<LineSpan> lines, Span<LineSpan> scratch, in LineComparer comparer)
    {
        if (comparer.WholeLines)
        {
            LineRadix.Sort(lines, scratch, comparer, comparer.Data);
        }
        else if (!LineRadix.TrySortByInteger(lines, scratch, comparer))
        {
            LineSort.Sort(lines, scratch, comparer);
        }
    }

    /// <summary>At most this many bytes of input are held in one array (.NET's largest byte array): past it,
    /// a line too long for memory, or the whole input of <c>-m</c> and <c>-c</c>, which do not spill runs; tests
    /// lower it to check the message without gigabytes of data.</summary>
    internal long MemoryLimit { get; init; } = Array.MaxLength;

    private static async ValueTask<int> TooLargeAsync(StageContext context, InputBuffer input)
    {
        string message = $"sort: input too large for memory (more than {Gib(input.Length)} read; the limit is {Gib(input.Limit)})";
        await context.WriteErrorLineAsync(message).ConfigureAwait(false);
        return 2;
    }

    /// <summary>A size in GiB with one decimal, as the messages show it.</summary>
    internal static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " GiB";

    /// <summary>Sort's input in one array; each input's last line gets a delimiter if it lacks one. With a
    /// spill function, whenever <see cref="RunSize"/> bytes are held the complete lines among them are handed to it
    /// (to be sorted and written as a run) and dropped, so that at most that much plus one line is held.</summary>
    private sealed class InputBuffer
    {
        private readonly Func<byte[], int, bool>? _spill;
        private byte[] _data = new byte[64 * 1024];
        private int _length;

        public InputBuffer(long limit, long runSize = long.MaxValue, Func<byte[], int, bool>? spill = null)
        {
            Limit = Math.Min(limit, Array.MaxLength);
            _spill = spill;
            _runSize = spill == null ? Limit : Math.Max(1, Math.Min(runSize, Limit));
        }

        private readonly long _runSize;

        /// <summary>The bytes read (longer than the content; see <see cref="Split(byte)"/>).</summary>
        public byte[] Data => _data;

        /// <summary>How many bytes are held.</summary>
        public int Length => _length;

        /// <summary>The most bytes this buffer holds.</summary>
        public long Limit { get; }

        /// <summary>Appends everything from <paramref name="reader"/>; false when that would pass
        /// <see cref="Limit"/> (or memory runs out first) or when the spill function fails.</summary>
        public async ValueTask<bool> AppendAsync(PipeReader reader, byte delimiter, CancellationToken cancellationToken)
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    if (!TryAppendLines(segment.Span, delimiter))
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

            // Whatever this input added (some of it perhaps spilled since) ends with a delimiter, as earlier inputs do.
            return _length == 0 || _data[_length - 1] == delimiter || TryAppend([delimiter]);
        }

        /// <summary>The lines, as offsets into <see cref="Data"/>, without delimiters.</summary>
        public LineSpan[] Split(byte delimiter) => Split(_data, _length, delimiter);

        /// <summary>The lines of <paramref name="data"/>'s first <paramref name="length"/> bytes (which end with
        /// <paramref name="delimiter"/>), without delimiters.</summary>
        public static LineSpan[] Split(byte[] data, int length, byte delimiter)
        {
            ReadOnlySpan<byte> all = data.AsSpan(0, length);
            LineSpan[] lines = LargeArrays.Allocate<LineSpan>(all.Count(delimiter));
            int start = 0;
            for (int n = 0; n < lines.Length; n++)
            {
                int end = start + all[start..].IndexOf(delimiter);
                lines[n] = new LineSpan(start, end - start);
                start = end + 1;
            }

            return lines;
        }

        /// <summary>Appends <paramref name="bytes"/>, spilling the complete lines held whenever the run size is
        /// reached (and, past it within one long line, as soon as that line ends).</summary>
        private bool TryAppendLines(ReadOnlySpan<byte> bytes, byte delimiter)
        {
            if (_spill == null)
            {
                return TryAppend(bytes);
            }

            while (!bytes.IsEmpty)
            {
                int take;
                if (_length < _runSize)
                {
                    take = (int)Math.Min(bytes.Length, _runSize - _length);
                }
                else
                {
                    int end = bytes.IndexOf(delimiter);
                    take = end < 0 ? bytes.Length : end + 1;
                }

                if (!TryAppend(bytes[..take]))
                {
                    return false;
                }

                bytes = bytes[take..];
                if (_length >= _runSize)
                {
                    int complete = _data.AsSpan(0, _length).LastIndexOf(delimiter) + 1;
                    if (complete > 0)
                    {
                        if (!_spill(_data, complete))
                        {
                            return false;
                        }

                        _data.AsSpan(complete, _length - complete).CopyTo(_data);
                        _length -= complete;
                    }
                }
            }

            return true;
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
                long needed = (long)_length + bytes.Length;
                long wanted = Math.Max((long)_data.Length * 2, needed);
                if (needed <= _runSize)
                {
                    // A run's array need not outgrow the run size (only a line longer than it makes it grow more).
                    wanted = Math.Min(wanted, _runSize);
                }

                try
                {
                    byte[] larger = LargeArrays.Allocate<byte>((int)Math.Min(wanted, Limit));
                    _data.AsSpan(0, _length).CopyTo(larger);
                    _data = larger;
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
