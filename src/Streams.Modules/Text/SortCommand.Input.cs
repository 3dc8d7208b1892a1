using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;

namespace Streams.Modules.Text;

internal sealed partial class SortCommand
{
    /// <summary>Sorts in parallel for large inputs: chunks sorted on the thread pool, then merged pairwise.
    /// The comparer's position tie-break makes the result identical to a single stable sort.</summary>
    private static void Sort(LineSpan[] lines, LineComparer comparer)
    {
        const int MinChunk = 64 * 1024;
        int chunks = Math.Min(Environment.ProcessorCount, lines.Length / MinChunk);
        if (chunks < 2)
        {
            lines.AsSpan().Sort(comparer);
            return;
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

        if (!ReferenceEquals(source, lines))
        {
            source.CopyTo(lines, 0);
        }
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

    /// <summary>All of sort's input in one array; each input's last line gets a delimiter if it lacks one.</summary>
    private sealed class InputBuffer
    {
        private byte[] _data = new byte[64 * 1024];
        private int _length;

        /// <summary>The bytes read (longer than the content; see <see cref="Split"/>).</summary>
        public byte[] Data => _data;

        /// <summary>Appends everything from <paramref name="reader"/>.</summary>
        public async ValueTask AppendAsync(PipeReader reader, byte delimiter, CancellationToken cancellationToken)
        {
            int before = _length;
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    Append(segment.Span);
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            if (_length > before && _data[_length - 1] != delimiter)
            {
                Append([delimiter]);
            }
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

        private void Append(ReadOnlySpan<byte> bytes)
        {
            if (_length + bytes.Length > _data.Length)
            {
                long wanted = Math.Max((long)_data.Length * 2, (long)_length + bytes.Length);
                Array.Resize(ref _data, (int)Math.Min(wanted, Array.MaxLength));
            }

            bytes.CopyTo(_data.AsSpan(_length));
            _length += bytes.Length;
        }
    }
}
