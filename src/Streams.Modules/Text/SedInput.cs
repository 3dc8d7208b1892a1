using System.IO.Pipelines;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary>sed's input: the lines of every file operand in turn, as one stream, with one line of look-ahead
/// so that <c>$</c> knows the last line.</summary>
/// <remarks>
/// <para>A file that cannot be read is reported (<c>sed: can't read X: No such file or directory</c>) and
/// skipped; <see cref="HadError"/> then makes the exit status 2.</para>
/// <para>Lines end with <see cref="Delimiter"/> (a NUL with <c>-z</c>); a line never runs from one file into the
/// next. With <see cref="Separate"/> (<c>-s</c>, <c>-i</c>) every file is on its own, as in GNU: <c>$</c> is
/// the last line of each file, line numbers start again, and <see cref="FileStarted"/> tells the command to
/// reset what GNU resets (hold space, ranges, <c>R</c> files). <see cref="Opened"/> and <see cref="Closed"/>
/// let <c>-i</c> redirect the output while a file is read.</para>
/// </remarks>
internal sealed class SedInput(StageContext context, IReadOnlyList<string> files) : IAsyncDisposable
{
    private int _nextFile;
    private GrepSedLines? _lines;
    private PipeReader? _reader;
    private FileStream? _stream;
    private byte[] _buffer = [];
    private int _pos;
    private int _end;
    private bool _fileDone;

    /// <summary>The byte that ends a line: a newline, or NUL with <c>-z</c>.</summary>
    public byte Delimiter { get; init; } = (byte)'\n';

    /// <summary>Whether each file is a separate input (<c>-s</c>, <c>-i</c>).</summary>
    public bool Separate { get; init; }

    /// <summary><c>-i</c>: <c>-</c> is a file name like any other, and a file that is not a regular file ends
    /// the run (<c>couldn't edit X: not a regular file</c>, status 4).</summary>
    public bool InPlace { get; init; }

    /// <summary>Called when a file is opened, with its name as given and its full path.</summary>
    public Func<string, string, ValueTask>? Opened { get; init; }

    /// <summary>Called when the file opened last has been read to its end (or the run ends normally).</summary>
    public Func<ValueTask>? Closed { get; init; }

    /// <summary>The current line as Latin-1 text, without its newline.</summary>
    public string Current { get; private set; } = string.Empty;

    /// <summary>Whether the current line ended with a newline.</summary>
    public bool HasNewline { get; private set; }

    /// <summary>The current line's number, from 1.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The name of the file being read, as given (<c>-</c> for standard input); GNU's <c>F</c>.</summary>
    public string FileName { get; private set; } = "-";

    /// <summary>Set when <see cref="Separate"/> and the line just read is the first since a new file was opened;
    /// cleared by reading it.</summary>
    public bool FileStarted { get; private set; }

    /// <summary>Whether reading stopped on a read error (a directory): GNU exits with status 4.</summary>
    public bool Fatal { get; private set; }

    /// <summary>Whether a file could not be read.</summary>
    public bool HadError { get; private set; }

    /// <summary>Whether standard input is one of the inputs.</summary>
    public bool ReadsStandardInput => !InPlace && (files.Count == 0 || files.Contains("-"));

    /// <summary>Returns <see cref="FileStarted"/> and clears it.</summary>
    public bool TakeFileStarted()
    {
        bool started = FileStarted;
        FileStarted = false;
        return started;
    }

    /// <summary>Moves to the next line; false at the end of all input.</summary>
    public async ValueTask<bool> MoveNextAsync()
    {
        if (!await EnsureDataAsync().ConfigureAwait(false))
        {
            return false;
        }

        StringBuilder? pending = null;
        while (true)
        {
            int found = _buffer.AsSpan(_pos, _end - _pos).IndexOf(Delimiter);
            if (found >= 0)
            {
                string piece = Encoding.Latin1.GetString(_buffer, _pos, found);
                Current = pending is null ? piece : pending.Append(piece).ToString();
                HasNewline = true;
                _pos += found + 1;
                break;
            }

            // The blocks end at newlines: with -z a line may go on in the next block of the same file.
            pending ??= new StringBuilder();
            pending.Append(Encoding.Latin1.GetString(_buffer, _pos, _end - _pos));
            _pos = _end;
            if (!await FillAsync().ConfigureAwait(false))
            {
                Current = pending.ToString();
                HasNewline = false;
                break;
            }
        }

        LineNumber++;
        return true;
    }

    /// <summary>Whether the current line is the last one of all input (of its file, with <see cref="Separate"/>).</summary>
    public async ValueTask<bool> IsLastAsync()
        => Separate ? !await FillAsync().ConfigureAwait(false) : !await EnsureDataAsync().ConfigureAwait(false);

    /// <summary>Ends the run normally: closes the current file (<see cref="Closed"/> is called).</summary>
    public ValueTask FinishAsync() => CloseAsync(notify: true);

    // Data of any file, opening the next files as needed.
    private async ValueTask<bool> EnsureDataAsync()
    {
        while (!await FillAsync().ConfigureAwait(false))
        {
            await CloseAsync(notify: true).ConfigureAwait(false);
            if (!await OpenNextAsync().ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    // Data of the current file; false at its end (the file stays open).
    private async ValueTask<bool> FillAsync()
    {
        while (_pos >= _end)
        {
            if (_lines is null || _fileDone)
            {
                return false;
            }

            (int offset, int length) = await _lines.ReadBlockAsync(context.CancellationToken).ConfigureAwait(false);
            if (length == 0)
            {
                _fileDone = true;
                return false;
            }

            _buffer = _lines.Buffer;
            _pos = offset;
            _end = offset + length;
        }

        return true;
    }

    private async ValueTask<bool> OpenNextAsync()
    {
        List<string> names = files.Count == 0 ? ["-"] : [.. files];
        while (_nextFile < names.Count)
        {
            string name = names[_nextFile++];
            if (Separate)
            {
                LineNumber = 0;
                FileStarted = true;
            }

            if (name == "-" && !InPlace)
            {
                FileName = name;
                _fileDone = false;
                _lines = new GrepSedLines(context.Input, context.Output);
                return true;
            }

            string path = context.ResolvePath(name);
            string? problem = null;
            if (InPlace && Directory.Exists(path))
            {
                throw new StageFailedException($"sed: couldn't edit {name}: not a regular file", 4);
            }

            if (Directory.Exists(path))
            {
                problem = $"sed: read error on {name}: Is a directory";
            }
            else
            {
                try
                {
                    _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
                }
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    problem = $"sed: can't read {name}: No such file or directory";
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                {
                    problem = $"sed: can't read {name}: Permission denied";
                }
            }

            if (problem is not null)
            {
                HadError = true;
                if (problem.StartsWith("sed: read error", StringComparison.Ordinal))
                {
                    Fatal = true;
                    await context.WriteErrorLineAsync(problem).ConfigureAwait(false);
                    _nextFile = int.MaxValue;
                    return false;
                }

                await context.WriteErrorLineAsync(problem).ConfigureAwait(false);
                continue;
            }

            _reader = PipeReader.Create(_stream!, new StreamPipeReaderOptions(bufferSize: 256 * 1024));
            _lines = new GrepSedLines(_reader, context.Output);
            _fileDone = false;
            FileName = name;
            if (Opened is not null)
            {
                await Opened(name, path).ConfigureAwait(false);
            }

            return true;
        }

        return false;
    }

    private async ValueTask CloseAsync(bool notify)
    {
        bool wasOpen = _stream is not null;
        _lines?.Release();
        _lines = null;
        if (_reader is not null)
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
            _reader = null;
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            _stream = null;
        }

        if (notify && wasOpen && Closed is not null)
        {
            await Closed().ConfigureAwait(false);
        }
    }

    /// <summary>Releases the input without calling <see cref="Closed"/> (the run failed).</summary>
    public ValueTask DisposeAsync() => CloseAsync(notify: false);
}
