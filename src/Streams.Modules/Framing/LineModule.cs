namespace Streams.Modules.Framing;

/// <summary>Line framing: each message going down gets a newline appended; bytes coming up are cut into one
/// message per line, the newline removed.</summary>
/// <remarks>
/// <code>
/// down, before (two messages)         after (two messages)
/// +-------+ +----+                    +----------+ +-------+
/// | "abc" | | "" |  --------------->  | "abc" 0A | | 0A    |
/// +-------+ +----+                    +----------+ +-------+
///
/// up, before (two messages)                 after (three messages, LF mode)
/// +-------------+ +---------------+          +------+ +---------+ +----+
/// | "ab" 0A "c" | | "d" 0D 0A 0A  |  ----->  | "ab" | | "cd" 0D | | "" |
/// +-------------+ +---------------+          +------+ +---------+ +----+
/// </code>
/// <para>With <see cref="LineOptions.Crlf"/> (<c>--crlf</c>) lines go down ending in CR LF, and coming up both
/// LF and CR LF end a line (the CR is removed, so the second message above would be <c>"cd"</c>).</para>
/// <para>A line longer than <see cref="LineOptions.MaxLength"/> (<c>--max</c>, without its newline) fails the
/// stream with a <see cref="StreamException"/> naming this module and the line's offset in the bytes read, as
/// soon as that many bytes arrived without a newline: nothing past the maximum is buffered. When the far end
/// hangs up, a final line without a newline is passed up, then the hangup. On pop, a partial line is passed up
/// as it is.</para>
/// <para>Push it above a byte transport: <c>-m line</c> over <c>tcp:…</c> turns the connection into lines.</para>
/// </remarks>
public sealed class LineModule : StreamModule
{
    private static readonly byte[] Lf = [(byte)'\n'];
    private static readonly byte[] CrLf = [(byte)'\r', (byte)'\n'];
    private readonly DelimiterDecoder _decoder;

    /// <summary>Creates the module with <paramref name="options"/> (default: LF, 64 KiB lines).</summary>
    public LineModule(LineOptions? options = null)
        : base("line")
    {
        Options = options ?? new LineOptions();
        _decoder = new DelimiterDecoder(this, Lf, Options.MaxLength, Options.Crlf, "line");
    }

    /// <summary>The options.</summary>
    public LineOptions Options { get; }

    /// <inheritdoc />
    protected override void OnWrite(StreamQueue queue, Message message) => DelimiterDecoder.Encode(queue, message, Options.Crlf ? CrLf : Lf);

    /// <inheritdoc />
    protected override void OnRead(StreamQueue queue, Message message) => _decoder.OnRead(queue, message);

    /// <inheritdoc />
    protected override void OnPopped(StreamQueue write, StreamQueue read) => _decoder.Leave(read);
}

/// <summary>The options of <see cref="LineModule"/>; validated when set.</summary>
public sealed record LineOptions
{
    /// <summary>Whether lines go down ending in CR LF, and a CR before the LF is removed coming up. Default false
    /// (LF only; a CR is then part of the line).</summary>
    public bool Crlf { get; init; }

    /// <summary>The longest line accepted coming up, without its line end. Default 64 KiB, at most 1 GiB.</summary>
    public int MaxLength
    {
        get;
        init => field = value is > 0 and <= 1 << 30 ? value : throw new ArgumentOutOfRangeException(nameof(MaxLength), value, "the limit is 1 byte to 1 GiB");
    } = 64 * 1024;
}
