using System.IO.Pipelines;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary>sed's input: the lines of every file operand in turn, as one stream, with one line of look-ahead
/// so that <c>$</c> knows the last line.</summary>
/// <remarks>A file that cannot be read is reported (<c>sed: can't read X: No such file or directory</c>) and
/// skipped; <see cref="HadError"/> then makes the exit status 2.</remarks>
internal sealed class SedInput(StageContext context, IReadOnlyList<string> files) : IAsyncDisposable
{
    private int _nextFile;
    private GrepSedLines? _lines;
    private PipeReader? _reader;
    private FileStream? _stream;
    private byte[] _buffer = [];
    private int _pos;
    private int _end;

    /// <summary>The current line as Latin-1 text, without its newline.</summary>
    public string Current { get; private set; } = string.Empty;

    /// <summary>Whether the current line ended with a newline.</summary>
    public bool HasNewline { get; private set; }

    /// <summary>The current line's number, from 1.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Whether reading stopped on a read error (a directory): GNU exits with status 4.</summary>
    public bool Fatal { get; private set; }

    /// <summary>Whether a file could not be read.</summary>
    public bool HadError { get; private set; }

    /// <summary>Moves to the next line; false at the end of all input.</summary>
    public async ValueTask<bool> MoveNextAsync()
    {
        if (!await EnsureDataAsync().ConfigureAwait(false))
        {
            return false;
        }

        int newline = _buffer.AsSpan(_pos, _end - _pos).IndexOf((byte)'\n');
        int lineEnd = newline < 0 ? _end : _pos + newline;
        Current = Encoding.Latin1.GetString(_buffer, _pos, lineEnd - _pos);
        HasNewline = newline >= 0;
        _pos = newline < 0 ? _end : lineEnd + 1;
        LineNumber++;
        return true;
    }

    /// <summary>Whether the current line is the last one of all input.</summary>
    public async ValueTask<bool> IsLastAsync() => !await EnsureDataAsync().ConfigureAwait(false);

    private async ValueTask<bool> EnsureDataAsync()
    {
        while (_pos >= _end)
        {
            if (_lines is null && !await OpenNextAsync().ConfigureAwait(false))
            {
                return false;
            }

            (int offset, int length) = await _lines!.ReadBlockAsync(context.CancellationToken).ConfigureAwait(false);
            if (length == 0)
            {
                await CloseAsync().ConfigureAwait(false);
                continue;
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
            if (name == "-")
            {
                _lines = new GrepSedLines(context.Input, context.Output);
                return true;
            }

            string path = context.ResolvePath(name);
            string? problem = null;
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
            return true;
        }

        return false;
    }

    private async ValueTask CloseAsync()
    {
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
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => CloseAsync();
}
