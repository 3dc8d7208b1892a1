using System.Globalization;
using System.Text;

namespace Streams.Modules.Protocol;

/// <summary>Writes one line for every message passing in either direction, and passes the message on
/// unchanged (a protocol analyser's tap, like Netty's LoggingHandler).</summary>
/// <remarks>
/// <para>Each line names the module, the direction (<c>↓</c> going down to the driver, <c>↑</c> coming up to the
/// head), the kind and the length, then the first <see cref="TraceOptions.Bytes"/> bytes in hex and as text
/// (non-printable bytes as <c>.</c>), with <c>…</c> when the payload is longer:</para>
/// <code>
/// trace ↓ Data 5: 68 65 6c 6c 6f |hello|
/// trace ↑ Data 70: 30 31 32 … |0123…|…
/// trace ↑ Hangup PeerClosed
/// </code>
/// <para>Lines go to standard error (flushed per line), to <see cref="TraceOptions.FilePath"/> (buffered,
/// flushed when a hangup, error or flush passes and when the module leaves the stream), or to
/// <see cref="TraceOptions.Writer"/>. Tracing never holds messages back; a failing writer (a full disk) is
/// reported once on standard error and tracing stops, the stream carries on.</para>
/// </remarks>
public sealed class TraceModule : StreamModule
{
    private const string Hex = "0123456789abcdef";
    private readonly StringBuilder _line = new(256);
    private TextWriter? _writer;
    private bool _ownsWriter;
    private bool _broken;

    /// <summary>Creates the module with <paramref name="options"/> (default: 64 bytes to standard error).</summary>
    public TraceModule(TraceOptions? options = null)
        : base("trace")
    {
        Options = options ?? new TraceOptions();
    }

    /// <summary>The options.</summary>
    public TraceOptions Options { get; }

    /// <inheritdoc />
    protected override void OnWrite(StreamQueue queue, Message message)
    {
        Trace('↓', message);
        queue.PutNext(message);
    }

    /// <inheritdoc />
    protected override void OnRead(StreamQueue queue, Message message)
    {
        Trace('↑', message);
        queue.PutNext(message);
    }

    /// <inheritdoc />
    protected override void OnPopped(StreamQueue write, StreamQueue read)
    {
        TextWriter? w = _writer;
        _writer = null;
        if (w is null)
        {
            return;
        }

        try
        {
            w.Flush();
            if (_ownsWriter)
            {
                w.Dispose();
            }
        }
        catch (IOException)
        {
            // Leaving: a trace that cannot be flushed must not fail the stream's close.
        }
    }

    private void Trace(char arrow, Message message)
    {
        if (_broken)
        {
            return;
        }

        StringBuilder b = _line.Clear();
        b.Append(Name).Append(' ').Append(arrow).Append(' ');
        if (message.Kind is MessageKind.Data or MessageKind.Proto)
        {
            b.Append(message.Kind == MessageKind.Data ? "Data" : "Proto");
            if (message.Band != 0)
            {
                b.Append(" band ").Append(message.Band);
            }

            b.Append(' ').Append(message.Length).Append(':');
            ReadOnlySpan<byte> shown = message.Span[..Math.Min(message.Length, Options.Bytes)];
            bool cut = shown.Length < message.Length;
            foreach (byte x in shown)
            {
                b.Append(' ').Append(Hex[x >> 4]).Append(Hex[x & 15]);
            }

            b.Append(cut ? " … |" : " |");
            foreach (byte x in shown)
            {
                b.Append(x is >= 0x20 and < 0x7F ? (char)x : '.');
            }

            b.Append(cut ? "|…" : "|");
        }
        else
        {
            b.Append(message.ToString());
        }

        try
        {
            TextWriter w = _writer ??= Open();
            w.WriteLine(b);
            if (!_ownsWriter || message.Kind is MessageKind.Hangup or MessageKind.Error or MessageKind.Flush)
            {
                w.Flush();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            _broken = true;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}: tracing stopped: {ex.Message}"));
        }
    }

    private TextWriter Open()
    {
        if (Options.Writer is { } given)
        {
            _ownsWriter = false;
            return given;
        }

        if (Options.FilePath is { } path)
        {
            _ownsWriter = true;
            var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024);
            return new StreamWriter(file, new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
        }

        _ownsWriter = false;
        return Console.Error;
    }
}

/// <summary>The options of <see cref="TraceModule"/>; validated when set.</summary>
public sealed record TraceOptions
{
    /// <summary>How many payload bytes each line shows. Default 64, 0 to 65536.</summary>
    public int Bytes
    {
        get;
        init => field = value is >= 0 and <= 65536 ? value : throw new ArgumentOutOfRangeException(nameof(Bytes), value, "--bytes is 0 to 65536");
    } = 64;

    /// <summary>A file to append the trace to (buffered), instead of standard error. Default null; not empty.</summary>
    public string? FilePath
    {
        get;
        init => field = value is not { Length: 0 } ? value : throw new ArgumentException("--file: the file name is empty", nameof(FilePath));
    }

    /// <summary>A writer to trace to (it stays the caller's: flushed, never disposed); wins over
    /// <see cref="FilePath"/>. Default null.</summary>
    public TextWriter? Writer { get; init; }
}
