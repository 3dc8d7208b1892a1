using System.Diagnostics;
using System.Text;

namespace Streams.Transports.ZeroMq;

/// <summary>The frames that precede the body of a multipart ZeroMQ message: a router's peer identity, the
/// envelope of a request, an empty delimiter, a topic frame. Immutable.</summary>
/// <remarks>
/// <para>A multipart message of n frames is one stream message: the body is the last frame and the n − 1 frames
/// before it travel in a <see cref="MessageKind.Proto"/> message whose <see cref="Message.Protocol"/> is a
/// <see cref="ZeroMqEnvelope"/>. A single-frame message is ordinary <see cref="MessageKind.Data"/>.</para>
/// <para>Going down, a Proto message carrying an envelope is sent as the envelope's frames followed by the body;
/// any other message is sent as one frame. A module that answers a router keeps the envelope of the request:
/// <c>pool.Proto(reply, request.Protocol)</c>.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class ZeroMqEnvelope
{
    private readonly byte[][] _frames;

    /// <summary>Creates an envelope holding copies of <paramref name="frames"/>.</summary>
    public ZeroMqEnvelope(params IEnumerable<ReadOnlyMemory<byte>> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        _frames = frames.Select(f => f.ToArray()).ToArray();
    }

    private ZeroMqEnvelope(byte[][] frames)
    {
        _frames = frames;
    }

    /// <summary>An envelope with no frames.</summary>
    public static ZeroMqEnvelope Empty { get; } = new(Array.Empty<byte[]>());

    /// <summary>The number of frames.</summary>
    public int Count => _frames.Length;

    /// <summary>Frame <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> this[int index] => _frames[index];

    /// <summary>The frames, in order.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Frames => _frames.Select(static f => (ReadOnlyMemory<byte>)f);

    /// <summary>The first frame (a router's peer identity), or empty.</summary>
    public ReadOnlyMemory<byte> First => _frames.Length > 0 ? _frames[0] : default;

    /// <summary>An envelope of text frames (UTF-8), for tests and modules.</summary>
    public static ZeroMqEnvelope FromText(params string[] frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return new ZeroMqEnvelope(frames.Select(static f => Encoding.UTF8.GetBytes(f)).ToArray());
    }

    /// <summary>This envelope with <paramref name="frame"/> added in front (as a router adds an identity).</summary>
    public ZeroMqEnvelope Push(ReadOnlySpan<byte> frame) => new([frame.ToArray(), .. _frames]);

    /// <summary>This envelope without its first frame (as a router strips an identity).</summary>
    public ZeroMqEnvelope Pop() => _frames.Length == 0 ? this : new ZeroMqEnvelope(_frames[1..]);

    /// <summary>Frame <paramref name="index"/> as UTF-8 text.</summary>
    public string GetText(int index) => Encoding.UTF8.GetString(_frames[index]);

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join("|", _frames.Select(static f => f.Length == 0 ? "<empty>" : Convert.ToHexString(f)))}]";

    internal static ZeroMqEnvelope Wrap(byte[][] frames) => new(frames);

    internal byte[] RawFrame(int index) => _frames[index];
}
