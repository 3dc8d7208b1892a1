using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Streams.Modules.Compression;

namespace Streams.Benchmarks.Modules;

/// <summary>Each codec module (gzip, zlib, deflate, brotli, zstd at level "fastest") compressing and
/// decompressing 4 MiB of log text in 64 KiB messages, against the raw codec stream (.NET's
/// <see cref="GZipStream"/>, <see cref="ZLibStream"/>, <see cref="DeflateStream"/>, <see cref="BrotliStream"/>,
/// ZstdSharp's streams) on the same data. One operation is the whole 4 MiB.</summary>
/// <remarks>The module flushes after every message (so the far end can decode it at once), so the raw stream
/// is flushed after every 64 KiB chunk too; decompression reads the bytes the module produced, which every raw
/// decoder accepts.</remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class CompressionBenchmarks
{
    private const int Chunk = 64 * 1024;
    private byte[] _data = [];
    private byte[] _compressed = [];
    private byte[][] _compressedChunks = [];
    private readonly byte[] _readBuffer = new byte[Chunk];
    private MessagePool _pool = null!;
    private StreamHead _encodeHead = null!;

    /// <summary>The codec.</summary>
    [Params("gzip", "zlib", "deflate", "brotli", "zstd")]
    public string Codec { get; set; } = "gzip";

    /// <summary>Makes the data, compresses it once with the module, and opens the encoding stream.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        var text = new StringBuilder();
        var random = new Random(42);
        string[] levels = ["INFO", "INFO", "WARN", "ERROR", "DEBUG"];
        while (text.Length < 4 << 20)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"2026-11-{random.Next(1, 29):D2} 12:{random.Next(60):D2}:{random.Next(60):D2} {levels[random.Next(levels.Length)]} api-{random.Next(16)} request id={random.Next(10_000_000)} took {random.Next(2000)} ms\n");
        }

        _data = Encoding.ASCII.GetBytes(text.ToString(0, 4 << 20));
        _pool = new MessagePool();

        var driver = new MemoryDriver();
        StreamHead head = StreamHead.Open(driver, new StreamOptions { Pool = _pool });
        await head.PushAsync(CreateModule());
        for (int offset = 0; offset < _data.Length; offset += Chunk)
        {
            await head.WriteAsync(_data.AsMemory(offset, Math.Min(Chunk, _data.Length - offset)));
        }

        await head.CompleteWritesAsync();
        var compressed = new MemoryStream();
        while (driver.TryTakeWritten(out Message m))
        {
            if (m.Kind == MessageKind.Data)
            {
                compressed.Write(m.Span);
            }

            m.Release();
        }

        await head.DisposeAsync();
        _compressed = compressed.ToArray();
        _compressedChunks = [.. _compressed.Chunk(Chunk)];

        _encodeHead = StreamHead.Open(new MemoryDriver { Discard = true }, new StreamOptions { Pool = _pool });
        await _encodeHead.PushAsync(CreateModule());
    }

    /// <summary>Closes the encoding stream and checks that no message leaked.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _encodeHead.DisposeAsync();
        if (_pool.Outstanding != 0)
        {
            throw new InvalidOperationException($"{_pool.Outstanding} messages leaked");
        }
    }

    /// <summary>The raw codec stream, flushed after each 64 KiB chunk, into a null stream.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Compress")]
    public long CompressRaw()
    {
        using var sink = new CountingStream();
        using (Stream codec = CreateRawEncoder(sink))
        {
            for (int offset = 0; offset < _data.Length; offset += Chunk)
            {
                codec.Write(_data, offset, Math.Min(Chunk, _data.Length - offset));
                codec.Flush();
            }
        }

        return sink.Length;
    }

    /// <summary>64 KiB messages written down through the module; the driver releases what comes out.</summary>
    [Benchmark]
    [BenchmarkCategory("Compress")]
    public long CompressModule()
    {
        StreamHead head = _encodeHead;
        for (int offset = 0; offset < _data.Length; offset += Chunk)
        {
            ValueTask write = head.WriteAsync(_pool.Data(_data.AsSpan(offset, Math.Min(Chunk, _data.Length - offset))));
            if (!write.IsCompletedSuccessfully)
            {
                write.AsTask().GetAwaiter().GetResult();
            }
        }

        return _pool.TotalRented;
    }

    /// <summary>The raw decoder stream reading the compressed bytes to the end.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Decompress")]
    public long DecompressRaw()
    {
        using Stream codec = CreateRawDecoder(new MemoryStream(_compressed, writable: false));
        long total = 0;
        int n;
        while ((n = codec.Read(_readBuffer)) > 0)
        {
            total += n;
        }

        return total == _data.Length ? total : throw new InvalidOperationException($"{total} bytes decoded of {_data.Length}");
    }

    /// <summary>The compressed bytes put up through the module in 64 KiB messages; a module above it counts and
    /// releases what is decoded. A fresh stream each time, since a finished zlib, deflate or brotli stream takes
    /// no more input.</summary>
    [Benchmark]
    [BenchmarkCategory("Decompress")]
    public async Task<long> DecompressModule()
    {
        var driver = new MemoryDriver { Discard = true };
        StreamHead head = StreamHead.Open(driver, new StreamOptions { Pool = _pool });
        await head.PushAsync(CreateModule());
        var counter = new ByteCounter();
        await head.PushAsync(counter);
        foreach (byte[] chunk in _compressedChunks)
        {
            driver.InjectUp(chunk);
        }

        await head.DisposeAsync();
        return counter.Bytes == _data.Length ? counter.Bytes : throw new InvalidOperationException($"{counter.Bytes} bytes decoded of {_data.Length}");
    }

    private StreamModule CreateModule()
    {
        var options = new CodecOptions { Level = CompressionLevel.Fastest };
        return Codec switch
        {
            "gzip" => new GzipModule(options),
            "zlib" => new ZlibModule(options),
            "deflate" => new DeflateModule(options),
            "brotli" => new BrotliModule(options),
            "zstd" => new ZstdModule(options),
            _ => throw new ArgumentOutOfRangeException(nameof(Codec), Codec, null),
        };
    }

    private Stream CreateRawEncoder(Stream inner) => Codec switch
    {
        "gzip" => new GZipStream(inner, CompressionLevel.Fastest, leaveOpen: true),
        "zlib" => new ZLibStream(inner, CompressionLevel.Fastest, leaveOpen: true),
        "deflate" => new DeflateStream(inner, CompressionLevel.Fastest, leaveOpen: true),
        "brotli" => new BrotliStream(inner, CompressionLevel.Fastest, leaveOpen: true),
        "zstd" => new ZstdSharp.CompressionStream(inner, 1, leaveOpen: true),
        _ => throw new ArgumentOutOfRangeException(nameof(Codec), Codec, null),
    };

    private Stream CreateRawDecoder(Stream inner) => Codec switch
    {
        "gzip" => new GZipStream(inner, CompressionMode.Decompress),
        "zlib" => new ZLibStream(inner, CompressionMode.Decompress),
        "deflate" => new DeflateStream(inner, CompressionMode.Decompress),
        "brotli" => new BrotliStream(inner, CompressionMode.Decompress),
        "zstd" => new ZstdSharp.DecompressionStream(inner),
        _ => throw new ArgumentOutOfRangeException(nameof(Codec), Codec, null),
    };

    /// <summary>Counts and releases the data that comes up.</summary>
    private sealed class ByteCounter() : StreamModule("count")
    {
        public long Bytes { get; private set; }

        protected override void OnRead(StreamQueue queue, Message message)
        {
            if (message.Kind is MessageKind.Data)
            {
                Bytes += message.Length;
                message.Release();
                return;
            }

            queue.PutNext(message);
        }
    }

    /// <summary>A write-only stream that counts what it is given.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
