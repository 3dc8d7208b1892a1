namespace Streams.Modules.Compression;

/// <summary>raw deflate (RFC 1951) compression, with no header or trailer (WebSocket permessage-deflate, zip entries).</summary>
/// <remarks>See <see cref="CodecModule"/> for what happens to each message, flushes, hangups and the decode
/// limit, and <see cref="CodecOptions"/> for the levels. Registered as <c>deflate</c>.</remarks>
public sealed class DeflateModule : CodecModule
{
    /// <summary>Creates the module (default: optimal level, 64 MiB decoded per incoming message).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The level number is out of the codec's range.</exception>
    public DeflateModule(CodecOptions? options = null)
        : base("deflate", options)
    {
    }
}
