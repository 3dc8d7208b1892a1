using System.Buffers;
using System.IO.Compression;

namespace Streams.Modules.Compression;

/// <summary>One compression format: how to make its streaming encoder and decoder, and how to talk about it in
/// errors. The five formats are internal sealed subclasses, reached through <see cref="Get"/>.</summary>
internal abstract class Codec
{
    /// <summary>The largest step a decoder is asked to produce at once (what the pool hands out whole).</summary>
    public const int Step = 64 * 1024 - MessagePool.HeadRoom - MessagePool.TailRoom;

    /// <summary>How many bytes the next decode step may produce: <see cref="Step"/>, or one byte more than
    /// <paramref name="limit"/> leaves after <paramref name="produced"/>, so that breaking the limit is seen before
    /// more is allocated (no overflow when there is no limit, <see cref="long.MaxValue"/>).</summary>
    public static int Room(long limit, long produced)
    {
        long left = limit - produced;
        return left >= Step ? Step : (int)Math.Max(left + 1, 1);
    }

    /// <summary>The module and command name, such as <c>gzip</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The smallest and largest level number the codec takes.</summary>
    public abstract (int Min, int Max) QualityRange { get; }

    public static Codec Get(string name) => name switch
    {
        "gzip" => ZLibFamilyCodec.Gzip,
        "zlib" => ZLibFamilyCodec.Zlib,
        "deflate" => ZLibFamilyCodec.Deflate,
        "brotli" => BrotliCodec.Instance,
        "zstd" => ZstdCodec.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such codec"),
    };

    /// <summary>Checks the level of <paramref name="options"/> against the codec (at module creation).</summary>
    public void Validate(CodecOptions options)
    {
        if (options.Quality is int q && (q < QualityRange.Min || q > QualityRange.Max))
        {
            throw new ArgumentOutOfRangeException(nameof(options), q, $"--level: {q} is out of range for {Name} ({QualityRange.Min}..{QualityRange.Max})");
        }

        if (!Enum.IsDefined(options.Level))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Level, "--level: unknown level");
        }
    }

    public abstract CodecEncoder CreateEncoder(CodecOptions options);

    public abstract CodecDecoder CreateDecoder(CodecOptions options);

    /// <summary>The level number for <paramref name="level"/> when the codec needs a number.</summary>
    protected static int Pick(CompressionLevel level, int fastest, int optimal, int smallest, int none) => level switch
    {
        CompressionLevel.Fastest => fastest,
        CompressionLevel.SmallestSize => smallest,
        CompressionLevel.NoCompression => none,
        _ => optimal,
    };
}

/// <summary>A streaming compressor writing into an <see cref="IBufferWriter{T}"/>: the module's message writer
/// on a stream, the stage's <see cref="System.IO.Pipelines.PipeWriter"/> in a pipeline.</summary>
internal abstract class CodecEncoder : IDisposable
{
    /// <summary>Compresses all of <paramref name="input"/>; the codec may keep some output back until a flush.</summary>
    public abstract void Write(ReadOnlySpan<byte> input, IBufferWriter<byte> output);

    /// <summary>Writes out everything written so far so the far side can decode it now (a sync flush); the
    /// stream goes on.</summary>
    public abstract void Flush(IBufferWriter<byte> output);

    /// <summary>Ends the compressed stream (the gzip trailer, the zstd epilogue). The encoder is done.</summary>
    public abstract void Finish(IBufferWriter<byte> output);

    public abstract void Dispose();
}

/// <summary>A streaming decompressor fed in any chunking.</summary>
/// <remarks>Callers loop on <see cref="Decode"/> with output steps of at most <see cref="Codec.Step"/> bytes and
/// count what it produced, so a limit is enforced before more is allocated.</remarks>
internal abstract class CodecDecoder : IDisposable
{
    /// <summary>Compressed bytes taken so far (what has been handed to the codec).</summary>
    public long Consumed { get; protected set; }

    /// <summary>Decoded bytes produced so far.</summary>
    public long Produced { get; set; }

    /// <summary>Decodes from <paramref name="input"/> (advancing it past what was taken) into
    /// <paramref name="output"/>. Returns the bytes written; 0 means nothing more can be produced until more
    /// input arrives (or what is left is trailing data the format ignores).</summary>
    /// <exception cref="InvalidDataException">The input is not valid in this format.</exception>
    public abstract int Decode(ref ReadOnlyMemory<byte> input, Span<byte> output);

    /// <summary>The end of the input: throws <see cref="InvalidDataException"/> when the last stream is
    /// unfinished (truncated input).</summary>
    /// <param name="strict">True to require the end of the format (a command, like <c>gzip -d</c>); false to
    /// accept an end at a flush point too (a live stream whose peer went away between messages: every message it
    /// flushed arrived whole).</param>
    public abstract void Complete(bool strict);

    public abstract void Dispose();
}
