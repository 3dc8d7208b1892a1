using System.Buffers;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

internal sealed partial class SortCommand
{
    /// <summary>How many bytes of input are buffered before they are sorted and written out as a run to a
    /// temporary file (GNU sort's "sort runs, then merge them"): 256 MiB, so that a run and its line table fit in
    /// memory with room to spare; tests lower it to make many runs of a few lines.</summary>
    /// <remarks>A run holds at most this much plus one line; a single line longer than <see cref="MemoryLimit"/>
    /// still ends with "input too large for memory". <c>-m</c> and <c>-c</c> do not spill.</remarks>
    internal long RunSize { get; init; } = 256L << 20;

    /// <summary>The temporary directory: <c>-T DIR</c> (the last one given), else <c>$TMPDIR</c>, else
    /// <c>/tmp</c>, as GNU sort.</summary>
    private static string TempDirectory(StageContext context, string? option)
    {
        if (!string.IsNullOrEmpty(option))
        {
            return context.ResolvePath(option);
        }

        return context.Environment.TryGetValue("TMPDIR", out string? tmp) && !string.IsNullOrEmpty(tmp) ? context.ResolvePath(tmp) : "/tmp";
    }

    /// <summary>Fills in the first keys of <paramref name="lines"/> (their first bytes when there are no keys) and
    /// sorts them.</summary>
    private static LineSpan[] KeyAndSort(LineSpan[] lines, LineComparer comparer)
    {
        AddKeys(lines, comparer);
        return Sort(lines, comparer);
    }

    /// <summary>Fills in what <see cref="LineComparer.WithKey(LineSpan)"/> computes once per line: the first key,
    /// or the first eight bytes of a line for a comparer without keys.</summary>
    private static void AddKeys(LineSpan[] lines, LineComparer comparer)
    {
        if (!comparer.Keyed)
        {
            for (int i = 0; i < lines.Length; i++)
            {
                lines[i] = comparer.WithKey(lines[i]);
            }
        }
        else if (lines.Length > 0)
        {
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, lines.Length, 16 * 1024), range =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    lines[i] = comparer.WithKey(lines[i]);
                }
            });
        }
    }

    /// <summary>The sorted runs written so far, as temporary files; <see cref="Dispose"/> closes the sources
    /// opened over them and deletes them, on success, error or cancellation alike.</summary>
    private sealed class RunFiles : IDisposable
    {
        private readonly List<string> _paths = [];
        private readonly List<MergeSource> _sources = [];
        private readonly string _directory;

        public RunFiles(string directory) => _directory = directory;

        /// <summary>How many runs were written.</summary>
        public int Count => _paths.Count;

        /// <summary>Why the last write failed (GNU's wording), or null.</summary>
        public string? Error { get; private set; }

        /// <summary>Writes <paramref name="lines"/> (sorted; of <paramref name="data"/>) as the next run; with
        /// <paramref name="unique"/> only the first of equal lines. False, with <see cref="Error"/>, on failure.</summary>
        public bool TryWrite(byte[] data, LineSpan[] lines, LineComparer comparer, bool unique, byte delimiter)
        {
            FileStream file;
            try
            {
                file = new FileStream(Path.Combine(_directory, "sort" + Path.GetRandomFileName()), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Error = $"cannot create temporary file in '{_directory.TrimEnd('/')}': {CommandIO.Reason(ex)}";
                return false;
            }

            _paths.Add(file.Name);
            try
            {
                using (file)
                {
                    var batch = new ArrayBufferWriter<byte>(StageIO.BatchSize);
                    for (int next = 0; next < lines.Length;)
                    {
                        next = WriteSome(batch, data, lines, next, comparer, unique, delimiter);
                        file.Write(batch.WrittenSpan);
                        batch.ResetWrittenCount();
                    }
                }

                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Error = $"write failed: {file.Name}: {CommandIO.Reason(ex)}";
                return false;
            }
        }

        /// <summary>Opens a merge source over each run, in the order written (the earlier run first among
        /// equals); they are closed by <see cref="Dispose"/>.</summary>
        public List<MergeSource> Open(LineComparer comparer, bool keyed, byte delimiter)
        {
            var sources = new List<MergeSource>();
            foreach (string path in _paths)
            {
                var source = new FileSource(path, comparer, keyed, delimiter);
                _sources.Add(source);
                sources.Add(source);
            }

            return sources;
        }

        public void Dispose()
        {
            foreach (MergeSource source in _sources)
            {
                source.Dispose();
            }

            foreach (string path in _paths)
            {
                try
                {
                    File.Delete(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Nothing more to do: GNU leaves it too when unlink fails.
                }
            }

            _sources.Clear();
            _paths.Clear();
        }
    }
}
