namespace Streams.Modules.Compression;

/// <summary>Brotli (RFC 7932) compression.</summary>
/// <remarks>See <see cref="CodecModule"/> for what happens to each message, flushes, hangups and the decode
/// limit, and <see cref="CodecOptions"/> for the levels. Registered as <c>brotli</c>.</remarks>
public sealed class BrotliModule : CodecModule
{
    /// <summary>Creates the module (default: optimal level, 64 MiB decoded per incoming message).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level number is out of the codec's range.</exception>
    public BrotliModule(CodecOptions? options = null)
        : base("brotli", options)
    {
    }
}
