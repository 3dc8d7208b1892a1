using System.IO.Compression;
using Streams.Components;
using Streams.Modules.Compression;

namespace Streams.Modules.Tests.Compression;

/// <summary>Shared helpers for the codec tests: the five codecs by name, modules, sample payloads and a bomb.</summary>
internal static class CodecTestData
{
    public static readonly ComponentRegistry Registry = new ComponentRegistry().AddStreamModules();

    public static readonly string[] Names = ["gzip", "zlib", "deflate", "brotli", "zstd"];

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (string name in Names)
        {
            data.Add(name);
        }

        return data;
    }

    public static StreamModule Create(string name, string arguments = "") => Registry.CreateModule($"{name} {arguments}");

    /// <summary>A payload mixing compressible text and random bytes.</summary>
    public static byte[] Payload(Random random, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = random.Next(4) == 0 ? (byte)random.Next(256) : (byte)('a' + (i % 7));
        }

        return bytes;
    }

    /// <summary>Compresses <paramref name="zeros"/> zero bytes in 1 MiB steps, in memory, with the codec's own
    /// encoder (the fastest level): a decompression bomb.</summary>
    public static byte[] Bomb(string name, long zeros)
    {
        var output = new MemoryStream();
        Stream encoder = name switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            "zlib" => new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            "deflate" => new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            "brotli" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => new ZstdSharp.CompressionStream(output, 1, leaveOpen: true),
        };
        var chunk = new byte[1 << 20];
        using (encoder)
        {
            for (long done = 0; done < zeros; done += chunk.Length)
            {
                encoder.Write(chunk);
            }
        }

        return output.ToArray();
    }
}
