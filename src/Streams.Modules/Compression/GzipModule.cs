namespace Streams.Modules.Compression;

/// <summary>gzip (RFC 1952) compression: compresses and flushes each message going down, decompresses coming up; concatenated members are decoded.</summary>
/// <remarks>See <see cref="CodecModule"/> for what happens to each message, flushes, hangups and the decode
/// limit, and <see cref="CodecOptions"/> for the levels. Registered as <c>gzip</c>.</remarks>
public sealed class GzipModule : CodecModule
{
    /// <summary>Creates the module (default: optimal level, 64 MiB decoded per incoming message).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level number is out of the codec's range.</exception>
    public GzipModule(CodecOptions? options = null)
        : base("gzip", options)
    {
    }
}
