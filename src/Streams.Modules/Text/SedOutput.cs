using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Streams.Modules.Text;

/// <summary>One place sed writes to: standard output (or the file being edited with <c>-i</c>), a <c>w</c> file,
/// <c>/dev/stdout</c> or <c>/dev/stderr</c>; with GNU's per-output "missing newline" flag.</summary>
/// <remarks>
/// GNU keeps the flag per output (<c>struct output</c>): a last line written without its newline gets one only
/// when more is written to the same output. <c>w /dev/stdout</c> therefore has a flag of its own, although it
/// shares the pipe with the main output. An output writes either to a <see cref="PipeWriter"/> (the stage's
/// pipes, flushed by the caller) or to a <see cref="FileStream"/> it owns (buffered, flushed on
/// <see cref="DisposeAsync"/>). Not thread-safe.
/// </remarks>
internal sealed class SedOutput : IAsyncDisposable
{
    private readonly PipeWriter? _writer;
    private readonly FileStream? _file;

    /// <summary>An output over a pipe of the stage; the pipe is not completed by <see cref="DisposeAsync"/>.</summary>
    public SedOutput(string name, PipeWriter writer)
    {
        Name = name;
        _writer = writer;
    }

    /// <summary>An output that owns <paramref name="file"/>.</summary>
    public SedOutput(string name, FileStream file)
    {
        Name = name;
        _file = file;
    }

    /// <summary>The file name as the script gives it (for messages).</summary>
    public string Name { get; }

    /// <summary>The pipe, when this output writes to one.</summary>
    public PipeWriter? Writer => _writer;

    /// <summary>Whether the last line written lacked its terminator (GNU's <c>missing_newline</c>).</summary>
    public bool MissingNewline { get; set; }

    /// <summary>Writes <paramref name="delimiter"/> if the last line lacked it.</summary>
    public void EndMissingLine(byte delimiter)
    {
        if (MissingNewline)
        {
            MissingNewline = false;
            Write([delimiter]);
        }
    }

    /// <summary>GNU's <c>output_line</c>: the pending terminator, <paramref name="text"/>, then
    /// <paramref name="delimiter"/> unless <paramref name="terminate"/> is false (the flag is then set).</summary>
    public void WriteLine(string text, bool terminate, byte delimiter)
    {
        EndMissingLine(delimiter);
        WriteText(text);
        if (terminate)
        {
            Write([delimiter]);
        }
        else
        {
            MissingNewline = true;
        }
    }

    /// <summary>Writes Latin-1 <paramref name="text"/> as its bytes, as is.</summary>
    public void WriteText(string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (_writer is not null)
        {
            Span<byte> span = _writer.GetSpan(text.Length);
            _writer.Advance(Encoding.Latin1.GetBytes(text, span));
            return;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(text.Length);
        try
        {
            int n = Encoding.Latin1.GetBytes(text, rented);
            _file!.Write(rented, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> as they are.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_writer is not null)
        {
            _writer.Write(bytes);
        }
        else
        {
            _file!.Write(bytes);
        }
    }

    /// <summary>Flushes a file output to the file system (<c>-u</c>); a pipe is flushed by its owner.</summary>
    public void FlushFile() => _file?.Flush();

    /// <summary>Flushes and closes the file, if this output owns one.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }
}
