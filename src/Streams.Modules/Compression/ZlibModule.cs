namespace Streams.Modules.Compression;

/// <summary>zlib (RFC 1950) compression, as zlib-flate and most zlib bindings write it.</summary>
/// <remarks>See <see cref="CodecModule"/> for what happens to each message, flushes, hangups and the decode
/// limit, and <see cref="CodecOptions"/> for the levels. Registered as <c>zlib</c>.</remarks>
public sealed class ZlibModule : CodecModule
{
    /// <summary>Creates the module (default: optimal level, 64 MiB decoded per incoming message).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level number is out of the codec's range.</exception>
    public ZlibModule(CodecOptions? options = null)
        : base("zlib", options)
    {
    }
}
