using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

internal sealed partial class SortCommand
{
    /// <summary>Merges <paramref name="sources"/> (each sorted, or taken as it comes) to <paramref name="writer"/>
    /// as GNU's merge does, for <c>sort -m</c> and for the runs of a large sort alike: the smallest of the
    /// sources' current lines goes next, the earlier source first among equals; with <paramref name="unique"/>
    /// only the first of equal lines is written.</summary>
    private static async ValueTask MergeAsync(PipeWriter writer, List<MergeSource> sources, LineComparer comparer, bool unique, byte delimiter, CancellationToken cancellationToken)
    {
        var merger = new Merger(sources, comparer, unique, delimiter);
        while (!merger.WriteSome(writer))
        {
            await writer.FlushOrStopAsync(cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushOrStopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The inputs of <c>sort -m</c>, held in memory: each file's lines (in order, ending at a byte offset
    /// of <paramref name="fileEnds"/>) as one source.</summary>
    private static List<MergeSource> FileSources(byte[] data, LineSpan[] lines, List<int> fileEnds)
    {
        var sources = new List<MergeSource>();
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
                sources.Add(new MemorySource(data, lines, first, at));
            }
        }

        return sources;
    }

    /// <summary>The state of one merge: a heap of source numbers ordered by their current lines.</summary>
    private sealed class Merger
    {
        private readonly List<MergeSource> _sources;
        private readonly PriorityQueue<int, int> _heads;
        private readonly LineComparer _comparer;
        private readonly bool _unique;
        private readonly byte _delimiter;
        private byte[] _last = [];
        private LineSpan _lastHead;
        private bool _any;

        public Merger(List<MergeSource> sources, LineComparer comparer, bool unique, byte delimiter)
        {
            _sources = sources;
            _comparer = comparer;
            _unique = unique;
            _delimiter = delimiter;

            // A source is in the heap only with its current line, so the order of its entry cannot change there.
            _heads = new PriorityQueue<int, int>(sources.Count, Comparer<int>.Create(Compare));
            for (int i = 0; i < sources.Count; i++)
            {
                if (sources[i].MoveNext())
                {
                    _heads.Enqueue(i, i);
                }
            }
        }

        /// <summary>Writes lines until a batch is due for flushing (false) or all sources are done (true).</summary>
        public bool WriteSome(PipeWriter writer)
        {
            while (_heads.TryDequeue(out int s, out _))
            {
                MergeSource source = _sources[s];
                ReadOnlySpan<byte> line = source.Bytes;
                if (!_unique || !_any || _comparer.CompareContent(_last.AsSpan(0, _lastHead.Length), _lastHead, line, source.Head) != 0)
                {
                    CommandIO.WriteLine(writer, line, _delimiter);
                    if (_unique)
                    {
                        // The source's buffer moves on: keep a copy of the line later lines are compared with.
                        if (_last.Length < line.Length)
                        {
                            _last = new byte[Math.Max(line.Length, _last.Length * 2)];
                        }

                        line.CopyTo(_last);
                        _lastHead = source.Head;
                        _any = true;
                    }
                }

                if (source.MoveNext())
                {
                    _heads.Enqueue(s, s);
                }

                if (writer.CanGetUnflushedBytes && writer.UnflushedBytes >= StageIO.BatchSize)
                {
                    return false;
                }
            }

            return true;
        }

        private int Compare(int x, int y)
        {
            MergeSource a = _sources[x], b = _sources[y];
            int diff = _comparer.CompareContent(a.Bytes, a.Head, b.Bytes, b.Head);
            return diff != 0 ? diff : x.CompareTo(y);
        }
    }

    /// <summary>One input of a merge: its current line's bytes and, in <see cref="Head"/>, its length and first
    /// key (relative to the line; <see cref="LineSpan.Start"/> means nothing here).</summary>
    private abstract class MergeSource : IDisposable
    {
        public LineSpan Head { get; protected set; }

        public abstract ReadOnlySpan<byte> Bytes { get; }

        /// <summary>Moves to the next line; false at the end.</summary>
        public abstract bool MoveNext();

        public virtual void Dispose()
        {
        }
    }

    /// <summary>Lines <c>[start, end)</c> of an in-memory table, keys already filled in.</summary>
    private sealed class MemorySource(byte[] data, LineSpan[] lines, int start, int end) : MergeSource
    {
        private int _next = start;

        public override ReadOnlySpan<byte> Bytes => data.AsSpan(Head.Start, Head.Length);

        public override bool MoveNext()
        {
            if (_next >= end)
            {
                return false;
            }

            Head = lines[_next++];
            return true;
        }
    }

    /// <summary>A run written by <see cref="RunFiles"/>, read back a buffer at a time (each line ends with the
    /// delimiter there).</summary>
    private sealed class FileSource(string path, LineComparer comparer, bool keyed, byte delimiter) : MergeSource
    {
        private readonly FileStream _file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;
        private int _line;

        public override ReadOnlySpan<byte> Bytes => _buffer.AsSpan(_line, Head.Length);

        public override bool MoveNext()
        {
            while (true)
            {
                int at = _buffer.AsSpan(_start, _end - _start).IndexOf(delimiter);
                if (at >= 0)
                {
                    _line = _start;
                    var line = new LineSpan(0, at);
                    Head = keyed ? comparer.WithKey(_buffer.AsSpan(_start, at), line) : line;
                    _start += at + 1;
                    return true;
                }

                if (_start > 0)
                {
                    _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                    _end -= _start;
                    _start = 0;
                }

                if (_end == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                int read = _file.Read(_buffer, _end, _buffer.Length - _end);
                if (read == 0)
                {
                    return false;
                }

                _end += read;
            }
        }

        public override void Dispose() => _file.Dispose();
    }
}
