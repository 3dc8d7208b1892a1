using System.Text;
using Streams.Testing;

namespace Streams.Modules.Tests.Compression;

/// <summary>The codecs as pipeline commands, against the real tools: gzip, zlib-flate (qpdf), brotli, zstd.</summary>
public sealed class CodecCommandTests
{
    private static readonly byte[] Sample = CodecTestData.Payload(new Random(11), 300_000);

    public static TheoryData<string, string[], string[]> Tools => new()
    {
        // codec, the tool's compress command, the tool's decompress command
        { "gzip", ["gzip", "-c"], ["gzip", "-dc"] },
        { "zlib", ["zlib-flate", "-compress"], ["zlib-flate", "-uncompress"] },
        { "brotli", ["brotli", "-c"], ["brotli", "-dc"] },
        { "zstd", ["zstd", "-c", "-q"], ["zstd", "-dc", "-q"] },
    };

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Encode_OursDecodedByTheTool_SameBytes(string codec, string[] compress, string[] decompress)
    {
        _ = compress;
        foreach (string level in new[] { "fastest", "optimal", "smallest" })
        {
            CommandOutcome ours = await RunAsync(codec, ["--level", level], Sample);
            Assert.Equal(0, ours.ExitStatus);
            CommandOutcome theirs = await StageHarness.RunReferenceAsync(decompress[0], decompress[1..], ours.Stdout);
            Assert.Equal(0, theirs.ExitStatus);
            Assert.Equal(Sample, theirs.Stdout);
        }
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Decode_TheToolsOutput_SameBytes(string codec, string[] compress, string[] decompress)
    {
        _ = decompress;
        CommandOutcome theirs = await StageHarness.RunReferenceAsync(compress[0], compress[1..], Sample);
        Assert.Equal(0, theirs.ExitStatus);
        CommandOutcome ours = await RunAsync(codec, ["-d"], theirs.Stdout);
        Assert.Equal(0, ours.ExitStatus);
        Assert.Equal(Sample, ours.Stdout);
    }

    [Theory]
    [InlineData("gunzip", "gzip")]
    [InlineData("unzstd", "zstd")]
    [InlineData("unbrotli", "brotli")]
    public async Task DecodeAlias_RoundTrip_SameBytes(string alias, string codec)
    {
        CommandOutcome packed = await RunAsync(codec, [], Sample);
        CommandOutcome unpacked = await RunAsync(alias, [], packed.Stdout);
        Assert.Equal(0, unpacked.ExitStatus);
        Assert.Equal(Sample, unpacked.Stdout);
    }

    [Fact]
    public async Task Gunzip_TwoConcatenatedMembersFromGzip_BothDecoded()
    {
        CommandOutcome a = await StageHarness.RunReferenceAsync("gzip", ["-c"], "first\n"u8.ToArray());
        CommandOutcome b = await StageHarness.RunReferenceAsync("gzip", ["-c"], "second\n"u8.ToArray());
        CommandOutcome ours = await RunAsync("gunzip", [], [.. a.Stdout, .. b.Stdout]);
        Assert.Equal(0, ours.ExitStatus);
        Assert.Equal("first\nsecond\n", ours.Text);
    }

    [Fact]
    public async Task Unzstd_TwoConcatenatedFrames_BothDecoded()
    {
        CommandOutcome a = await RunAsync("zstd", [], "first\n"u8.ToArray());
        CommandOutcome b = await StageHarness.RunReferenceAsync("zstd", ["-c", "-q"], "second\n"u8.ToArray());
        CommandOutcome ours = await RunAsync("zstd", ["-d"], [.. a.Stdout, .. b.Stdout]);
        Assert.Equal("first\nsecond\n", ours.Text);
    }

    [Theory]
    [InlineData("gunzip", "gunzip: stdin: not in gzip format")]
    [InlineData("unzstd", "unzstd: stdin: not in zstd format")]
    [InlineData("zlib", "zlib: stdin: not in zlib format")]
    public async Task Decode_NotCompressed_StatusOneAndOneLine(string command, string expected)
    {
        string[] args = command == "zlib" ? ["-d"] : [];
        CommandOutcome outcome = await RunAsync(command, args, Encoding.ASCII.GetBytes("hello, this is plain text\n"));
        Assert.Equal(1, outcome.ExitStatus);
        Assert.Contains(expected, outcome.ErrorText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CodecModuleTests.Codecs), MemberType = typeof(CodecModuleTests))]
    public async Task Decode_TruncatedByThreeBytes_UnexpectedEndOfFile(string codec)
    {
        CommandOutcome packed = await RunAsync(codec, [], Sample);
        CommandOutcome outcome = await RunAsync(codec, ["-d"], packed.Stdout[..^3]);
        Assert.Equal(1, outcome.ExitStatus);
        Assert.Contains($"{codec}: stdin: ", outcome.ErrorText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CodecModuleTests.Codecs), MemberType = typeof(CodecModuleTests))]
    public async Task Decode_BombWithMax_FailsWithoutBufferingIt(string codec)
    {
        byte[] bomb = CodecTestData.Bomb(codec, 256L << 20);
        CommandOutcome outcome = await RunAsync(codec, ["-d", "--max", "1M"], bomb);
        Assert.Equal(1, outcome.ExitStatus);
        Assert.Contains("--max", outcome.ErrorText, StringComparison.Ordinal);
        Assert.True(outcome.Stdout.Length <= (1 << 20) + (64 << 10), $"wrote {outcome.Stdout.Length} bytes");
    }

    [Fact]
    public async Task Gzip_EmptyInput_GzipReadsAnEmptyFile()
    {
        CommandOutcome ours = await RunAsync("gzip", [], []);
        CommandOutcome theirs = await StageHarness.RunReferenceAsync("gzip", ["-dc"], ours.Stdout);
        Assert.Equal(0, theirs.ExitStatus);
        Assert.Empty(theirs.Stdout);
    }

    [Fact]
    public async Task Gzip_BadLevel_StatusTwo()
    {
        CommandOutcome outcome = await RunAsync("gzip", ["--level", "12"], []);
        Assert.Equal(2, outcome.ExitStatus);
        Assert.Contains("gzip: --level", outcome.ErrorText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gzip", "gzip", "-dc")]
    [InlineData("zlib", "zlib-flate", "-uncompress")]
    [InlineData("brotli", "brotli", "-dc")]
    [InlineData("zstd", "zstd", "-dcq")]
    public async Task Module_FlushedMessagesThenHangup_TheToolDecodesTheWholeStream(string codec, string tool, string flag)
    {
        await using var down = new EmbeddedStream(CodecTestData.Create(codec));
        var expected = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            string line = $"line {i}\n";
            expected.Append(line);
            down.WriteDown(line);
        }

        down.CompleteDown();
        CommandOutcome theirs = await StageHarness.RunReferenceAsync(tool, [flag], down.ReadAllDownBytes());
        Assert.Equal(0, theirs.ExitStatus);
        Assert.Equal(expected.ToString(), theirs.Text);
    }

    private static Task<CommandOutcome> RunAsync(string command, string[] arguments, byte[] stdin)
        => StageHarness.RunAsync(CodecTestData.Registry.CreateCommand(command, arguments), arguments, stdin);
}
