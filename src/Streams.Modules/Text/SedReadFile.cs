using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Streams.Modules.Text;

/// <summary>The file of an <c>R</c> command: read one line (record) at a time, shared by every <c>R</c> of the
/// same name, as GNU shares one <c>FILE</c>.</summary>
/// <remarks>A file that could not be opened reads as empty (GNU opens it once, when the script is parsed, and
/// ignores the failure). A line is returned with its terminator; the last one of the file may have none, and is
/// then copied as it is (GNU). <c>/dev/stdin</c> reads the stage's standard input. Not thread-safe.</remarks>
internal sealed class SedReadFile : IAsyncDisposable
{
    private readonly FileStream? _file;
    private PipeReader? _reader;
    private readonly bool _ownsReader;

    private SedReadFile(string name, FileStream? file, PipeReader? reader, bool ownsReader)
    {
        Name = name;
        _file = file;
        _reader = reader;
        _ownsReader = ownsReader;
    }

    /// <summary>The name the script gives.</summary>
    public string Name { get; }

    /// <summary>Opens <paramref name="path"/>; a file that cannot be read gives an empty reader.</summary>
    public static SedReadFile Open(string name, string path)
    {
        try
        {
            if (!Directory.Exists(path))
            {
                var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096);
                return new SedReadFile(name, file, PipeReader.Create(file, new StreamPipeReaderOptions(leaveOpen: true)), true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return new SedReadFile(name, null, null, false);
    }

    /// <summary>A reader over a pipe the stage does not own (its standard input).</summary>
    public static SedReadFile Over(string name, PipeReader? reader) => new(name, null, reader, false);

    /// <summary>Reads the next line with its <paramref name="delimiter"/> (as Latin-1 text); null at the end.</summary>
    public async ValueTask<string?> ReadLineAsync(byte delimiter, CancellationToken cancellationToken = default)
    {
        if (_reader is null)
        {
            return null;
        }

        while (true)
        {
            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.PositionOf(delimiter) is SequencePosition found)
            {
                ReadOnlySequence<byte> line = buffer.Slice(0, buffer.GetPosition(1, found));
                string text = Encoding.Latin1.GetString(line);
                _reader.AdvanceTo(line.End);
                return text;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                string? rest = buffer.IsEmpty ? null : Encoding.Latin1.GetString(buffer);
                _reader.AdvanceTo(buffer.End);
                return rest;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads everything left (for <c>r /dev/stdin</c>).</summary>
    public async ValueTask<byte[]> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        if (_reader is null)
        {
            return [];
        }

        while (true)
        {
            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                byte[] all = result.Buffer.ToArray();
                _reader.AdvanceTo(result.Buffer.End);
                return all;
            }

            _reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Starts again from the beginning of the file (GNU rewinds <c>R</c> files for each input file with
    /// <c>-s</c> and <c>-i</c>); a pipe cannot be rewound.</summary>
    public async ValueTask RewindAsync()
    {
        if (_file is null || _reader is null)
        {
            return;
        }

        await _reader.CompleteAsync().ConfigureAwait(false);
        _file.Seek(0, SeekOrigin.Begin);
        _reader = PipeReader.Create(_file, new StreamPipeReaderOptions(leaveOpen: true));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsReader && _reader is not null)
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }

        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }
}
