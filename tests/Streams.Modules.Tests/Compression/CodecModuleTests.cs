using System.Diagnostics;
using System.Text;
using Streams.Modules.Compression;
using Streams.Testing;

namespace Streams.Modules.Tests.Compression;

/// <summary>The five compression modules on a stream: round trips, per-message flush, any chunking, bad input,
/// the decode limit, leaks.</summary>
public sealed class CodecModuleTests
{
    public static TheoryData<string> Codecs => CodecTestData.All();

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task RoundTrip_ManyMessages_DecodeToTheSameMessages(string codec)
    {
        await using var down = new EmbeddedStream(CodecTestData.Create(codec));
        await using var up = new EmbeddedStream(CodecTestData.Create(codec));
        var random = new Random(1);
        var sent = new List<byte[]>();
        foreach (int size in new[] { 0, 1, 10, 1000, 70_000, 200_000, 5 })
        {
            byte[] payload = CodecTestData.Payload(random, size);
            sent.Add(payload);
            down.WriteDown(payload);
        }

        down.CompleteDown();
        foreach (byte[] chunk in down.ReadAllDown())
        {
            up.WriteUp(chunk);
        }

        up.HangupUp();
        byte[] got = await ReadToEndAsync(up);
        Assert.Equal(sent.SelectMany(b => b).ToArray(), got);
        Assert.True(down.Driver.WritesCompleted);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Flush_AfterEachMessage_BytesSoFarDecodeToExactlyTheMessagesSoFar(string codec)
    {
        await using var down = new EmbeddedStream(CodecTestData.Create(codec));
        await using var up = new EmbeddedStream(CodecTestData.Create(codec));
        for (int i = 0; i < 50; i++)
        {
            string line = $"request {i}: {new string('x', i)}\n";
            down.WriteDown(line);
            List<byte[]> encoded = down.ReadAllDown();
            Assert.Single(encoded);
            up.WriteUp(encoded[0]);
            Assert.Equal(line, Encoding.ASCII.GetString(up.ReadAllUpBytes()));
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Chunking_RandomSplitsOfTheCompressedBytes_DecodeTheSame(string codec)
    {
        byte[] original;
        byte[] compressed;
        await using (var down = new EmbeddedStream(CodecTestData.Create(codec)))
        {
            var random = new Random(7);
            var all = new List<byte>();
            for (int i = 0; i < 20; i++)
            {
                byte[] payload = CodecTestData.Payload(random, random.Next(0, 5000));
                all.AddRange(payload);
                down.WriteDown(payload);
            }

            down.CompleteDown();
            original = [.. all];
            compressed = down.ReadAllDownBytes();
        }

        for (int seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            await using var up = new EmbeddedStream(CodecTestData.Create(codec));
            int offset = 0;
            var got = new List<byte>();
            while (offset < compressed.Length)
            {
                int n = Math.Min(compressed.Length - offset, random.Next(1, seed < 5 ? 4 : 3000));
                up.WriteUp(compressed.AsSpan(offset, n));
                offset += n;
                got.AddRange(up.ReadAllUpBytes());
            }

            up.HangupUp();
            got.AddRange(await ReadToEndAsync(up));
            Assert.Equal(original, got.ToArray());
        }
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("zlib")]
    [InlineData("deflate")]
    [InlineData("zstd")]
    [InlineData("brotli")]
    public async Task Garbage_Up_FailsNamingTheModule(string codec)
    {
        // 0xFF bytes: not a gzip, zlib or zstd header, an invalid deflate block type, and not a valid brotli stream.
        byte[] garbage = new byte[100];
        garbage.AsSpan().Fill(0xFF);
        await using var up = new EmbeddedStream(CodecTestData.Create(codec));
        up.WriteUp(garbage);
        up.HangupUp();
        StreamException ex = await Assert.ThrowsAsync<StreamException>(() => ReadToEndAsync(up));
        Assert.Equal(codec, ex.Component);
        Assert.Contains("offset", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Garbage_RandomBytes_CleanErrorOrCleanEndNeverAHang(string codec)
    {
        for (int seed = 0; seed < 30; seed++)
        {
            var random = new Random(seed);
            byte[] garbage = new byte[random.Next(1, 2000)];
            random.NextBytes(garbage);
            await using var up = new EmbeddedStream(CodecTestData.Create(codec, "--max 1M"));
            try
            {
                up.WriteUp(garbage);
                up.HangupUp();
                await ReadToEndAsync(up);
            }
            catch (StreamException ex)
            {
                Assert.Equal(codec, ex.Component);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Truncated_HangupInsideTheStream_FailsWithUnexpectedEnd(string codec)
    {
        byte[] compressed;
        await using (var down = new EmbeddedStream(CodecTestData.Create(codec, "--level smallest")))
        {
            down.WriteDown(CodecTestData.Payload(new Random(3), 100_000));
            down.CompleteDown();
            compressed = down.ReadAllDownBytes();
        }

        foreach (int cut in new[] { compressed.Length / 2, compressed.Length / 3, 5 })
        {
            await using var up = new EmbeddedStream(CodecTestData.Create(codec));
            up.WriteUp(compressed.AsSpan(0, cut));
            up.HangupUp();
            StreamException ex = await Assert.ThrowsAsync<StreamException>(() => ReadToEndAsync(up));
            Assert.Equal(codec, ex.Component);
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Bomb_GigabyteOfZerosWithMax1M_FailsQuicklyWithBoundedMemory(string codec)
    {
        byte[] bomb = CodecTestData.Bomb(codec, codec == "brotli" ? 256L << 20 : 1L << 30);
        await using var up = new EmbeddedStream(new StreamOptions { HeadLimits = new StreamQueueLimits(long.MaxValue, long.MaxValue / 2) }, CodecTestData.Create(codec, "--max 1M"));
        var clock = Stopwatch.StartNew();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        up.WriteUp(bomb);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        StreamException ex = await Assert.ThrowsAsync<StreamException>(() => ReadToEndAsync(up));
        Assert.Equal(codec, ex.Component);
        Assert.Contains("--max", ex.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.True(allocated < 16L << 20, $"allocated {allocated} bytes");
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Max_MessageWithinTheLimit_Decodes(string codec)
    {
        await using var down = new EmbeddedStream(CodecTestData.Create(codec));
        await using var up = new EmbeddedStream(CodecTestData.Create(codec, "--max 1K"));
        down.WriteDown(new byte[1024]);
        up.WriteUp(down.ReadAllDownBytes());
        Assert.Equal(1024, up.ReadAllUpBytes().Length);
    }

    [Fact]
    public async Task Gzip_TwoMembersUp_BothDecoded()
    {
        await using var up = new EmbeddedStream(CodecTestData.Create("gzip"));
        byte[] a = GzipOf("first ");
        byte[] b = GzipOf("second");
        up.WriteUp([.. a, .. b]);
        up.HangupUp();
        Assert.Equal("first second", Encoding.ASCII.GetString(await ReadToEndAsync(up)));
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Hangup_WithNoData_PassesOnAndLeaksNothing(string codec)
    {
        await using var down = new EmbeddedStream(CodecTestData.Create(codec));
        down.CompleteDown();
        Assert.True(down.Driver.WritesCompleted);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Dispose_MidStreamBothWays_LeaksNothing(string codec)
    {
        var down = new EmbeddedStream(CodecTestData.Create(codec));
        down.WriteDown(CodecTestData.Payload(new Random(5), 100_000));
        byte[] compressed = down.ReadAllDownBytes();
        var up = new EmbeddedStream(CodecTestData.Create(codec));
        up.WriteUp(compressed.AsSpan(0, compressed.Length / 2));
        await down.DisposeAsync();
        await up.DisposeAsync();
    }

    [Fact]
    public void Create_LevelOutOfRange_ArgumentErrorNamingTheModule()
    {
        var ex = Assert.Throws<Streams.Components.ComponentArgumentException>(() => CodecTestData.Create("brotli", "--level 12"));
        Assert.Equal("brotli", ex.Component);
        Assert.Throws<Streams.Components.ComponentArgumentException>(() => CodecTestData.Create("gzip", "--level fast"));
        Assert.IsType<ZstdModule>(CodecTestData.Create("zstd", "--level 19"));
    }

    private static byte[] GzipOf(string text)
    {
        var output = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal))
        {
            gz.Write(Encoding.ASCII.GetBytes(text));
        }

        return output.ToArray();
    }

    internal static async Task<byte[]> ReadToEndAsync(EmbeddedStream stream)
    {
        var bytes = new List<byte>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await stream.Head.ReadAsync(cts.Token) is { } m)
        {
            bytes.AddRange(m.Span.ToArray());
            m.Release();
        }

        return [.. bytes];
    }
}
