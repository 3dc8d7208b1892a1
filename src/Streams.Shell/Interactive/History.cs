namespace Streams.Shell.Interactive;

/// <summary>The command history: kept in memory and appended to <c>~/.streams_history</c> (or
/// <c>$STREAMS_HISTORY</c>), of which the last 1000 lines are loaded at start.</summary>
internal sealed class History
{
    private const int Limit = 1000;
    private readonly List<string> _entries = [];
    private readonly string? _path;

    public History(string? path)
    {
        _path = path;
        if (path is null)
        {
            return;
        }

        try
        {
            if (File.Exists(path))
            {
                string[] lines = File.ReadAllLines(path);
                _entries.AddRange(lines.Where(l => l.Length > 0).TakeLast(Limit));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A history that cannot be read is not worth failing the shell for.
        }
    }

    public IReadOnlyList<string> Entries => _entries;

    public void Add(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || (_entries.Count > 0 && _entries[^1] == line))
        {
            return;
        }

        _entries.Add(line);
        if (_entries.Count > Limit)
        {
            _entries.RemoveAt(0);
        }

        if (_path is not null)
        {
            try
            {
                File.AppendAllText(_path, line.Replace('\n', ' ') + "\n");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
