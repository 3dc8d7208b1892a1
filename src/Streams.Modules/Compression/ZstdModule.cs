namespace Streams.Modules.Compression;

/// <summary>Zstandard (RFC 8878) compression; concatenated frames are decoded.</summary>
/// <remarks>See <see cref="CodecModule"/> for what happens to each message, flushes, hangups and the decode
/// limit, and <see cref="CodecOptions"/> for the levels. Registered as <c>zstd</c>.</remarks>
public sealed class ZstdModule : CodecModule
{
    /// <summary>Creates the module (default: optimal level, 64 MiB decoded per incoming message).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level number is out of the codec's range.</exception>
    public ZstdModule(CodecOptions? options = null)
        : base("zstd", options)
    {
    }
}
