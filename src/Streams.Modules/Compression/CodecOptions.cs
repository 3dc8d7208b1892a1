using System.Globalization;
using System.IO.Compression;
using Streams.Components;

namespace Streams.Modules.Compression;

/// <summary>The options of a compression module or command (<c>gzip</c>, <c>zlib</c>, <c>deflate</c>,
/// <c>brotli</c>, <c>zstd</c>).</summary>
/// <remarks>
/// <para><b>Level.</b> <see cref="Level"/> names the trade-off; <see cref="Quality"/>, when set, is the codec's own
/// number and wins: 0–9 for gzip, zlib and deflate (0 stores), 0–11 for brotli, 1–22 for zstd (negative zstd levels
/// are its fast modes). The named levels map to: gzip family — the zlib levels .NET uses (fastest 1, optimal 6,
/// smallest 9, no 0); brotli — 1, 4, 11, 0; zstd — 1, 3, 19, and <c>no</c> as 1, since zstd has no stored mode.</para>
/// <para><b>Limit.</b> <see cref="MaxDecodedSize"/> bounds what the decoder produces. On a stream it applies to
/// what one incoming message decodes to (default 64 MiB): the decoder counts its output while it works, in steps
/// of at most 64 KiB, and fails the stream as soon as the count passes the limit, so a decompression bomb costs at
/// most the limit plus one step. In a pipeline command it bounds the whole output (default: no limit). The limit is
/// exact: the output may reach it, and the byte after it is refused — a command writes the bytes up to the limit,
/// then fails; a module passes up nothing of the step that broke it.</para>
/// </remarks>
public sealed record CodecOptions
{
    /// <summary>The default limit of a module: 64 MiB decoded per incoming message.</summary>
    public const long DefaultModuleMaxDecodedSize = 64L * 1024 * 1024;

    private readonly long _max = DefaultModuleMaxDecodedSize;

    /// <summary>The compression trade-off. Default <see cref="CompressionLevel.Optimal"/>.</summary>
    public CompressionLevel Level { get; init; } = CompressionLevel.Optimal;

    /// <summary>The codec's own level number, overriding <see cref="Level"/>; null (the default) uses
    /// <see cref="Level"/>. Checked against the codec's range when the module is made.</summary>
    public int? Quality { get; init; }

    /// <summary>The most bytes the decoder may produce (see remarks). Default 64 MiB; must be positive;
    /// <see cref="long.MaxValue"/> means no limit.</summary>
    public long MaxDecodedSize
    {
        get => _max;
        init => _max = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxDecodedSize), value, "--max must be positive");
    }

    /// <summary>Parses a <c>--level</c> value: <c>fastest</c>, <c>optimal</c>, <c>smallest</c>, <c>no</c> or a
    /// number.</summary>
    /// <param name="component">The component, named in the error.</param>
    /// <param name="text">The value.</param>
    /// <param name="level">The named level (<see cref="CompressionLevel.Optimal"/> for a number).</param>
    /// <param name="quality">The number, or null for a named level.</param>
    /// <exception cref="ComponentArgumentException">Neither a name nor a number.</exception>
    public static void ParseLevel(string component, string text, out CompressionLevel level, out int? quality)
    {
        ArgumentNullException.ThrowIfNull(text);
        quality = null;
        level = CompressionLevel.Optimal;
        switch (text)
        {
            case "fastest":
                level = CompressionLevel.Fastest;
                return;
            case "optimal":
                return;
            case "smallest":
                level = CompressionLevel.SmallestSize;
                return;
            case "no" or "none":
                level = CompressionLevel.NoCompression;
                return;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n))
        {
            quality = n;
            return;
        }

        throw new ComponentArgumentException(component, $"--level: '{text}' is not fastest, optimal, smallest, no or a number");
    }
}
