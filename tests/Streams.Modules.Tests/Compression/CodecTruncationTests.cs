using System.Buffers;
using Streams.Modules.Compression;
using Streams.Testing;

namespace Streams.Modules.Tests.Compression;

/// <summary>Truncated and corrupted input: every prefix of a compressed stream shorter than the whole is refused —
/// by the decoder, by the command (status 1, one line) and by the module on a hangup — and the whole stream
/// round-trips; trailers with a wrong check are refused; the real tools agree.</summary>
public sealed class CodecTruncationTests
{
    public static TheoryData<string> Codecs => CodecTestData.All();

    public static TheoryData<string, string[]> Tools => new()
    {
        // codec, the tool's compress command (on a file named last, so that gzip writes a name into its header)
        { "gzip", ["gzip", "-c"] },
        { "zlib", ["zlib-flate", "-compress"] },
        { "brotli", ["brotli", "-c"] },
        { "zstd", ["zstd", "-c", "-q"] },
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decoder_EveryPrefixOfRandomPayloads_RefusedAndTheWholeRoundTrips(string codec)
    {
        var random = new Random(codec.Length);
        foreach (int size in new[] { 0, 1, 2, 31, 300, 4000, 70_000 })
        {
            byte[] payload = CodecTestData.Payload(random, size);
            foreach (string level in new[] { "fastest", "smallest", "no" })
            {
                byte[] packed = Encode(codec, payload, level);
                Assert.Equal(payload, Decode(codec, packed, strict: true));
                foreach (int cut in Cuts(packed.Length, random))
                {
                    Assert.True(Refused(codec, packed.AsMemory(0, cut), strict: true), $"{codec} --level {level}, {size} bytes: the first {cut} of {packed.Length} compressed bytes were accepted");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Decoder_PrefixesFedInSmallChunks_RefusedAsWhole(string codec)
    {
        byte[] packed = Encode(codec, CodecTestData.Payload(new Random(2), 2000), "optimal");
        for (int cut = 0; cut < packed.Length; cut++)
        {
            Assert.True(Refused(codec, packed.AsMemory(0, cut), strict: true, chunk: 3), $"{codec}: {cut} of {packed.Length} accepted in chunks of 3");
        }

        Assert.Equal(2000, Decode(codec, packed, strict: true, chunk: 3).Length);
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task Command_EveryPrefixOfTheToolsOutput_StatusOneAsTheToolSays(string codec, string[] compress)
    {
        string file = Path.Combine(Path.GetTempPath(), $"streams-truncation-{Environment.ProcessId}-{codec}.txt");
        byte[] payload = CodecTestData.Payload(new Random(5), 3000);
        await File.WriteAllBytesAsync(file, payload);
        try
        {
            string[] arguments = codec == "zlib" ? compress[1..] : [.. compress[1..], file];
            CommandOutcome theirs = await StageHarness.RunReferenceAsync(compress[0], arguments, codec == "zlib" ? payload : []);
            Assert.Equal(0, theirs.ExitStatus);
            byte[] packed = theirs.Stdout;
            CommandOutcome whole = await RunAsync(codec, ["-d"], packed);
            Assert.Equal(0, whole.ExitStatus);
            Assert.Equal(payload, whole.Stdout);
            for (int cut = 0; cut < packed.Length; cut++)
            {
                CommandOutcome ours = await RunAsync(codec, ["-d"], packed[..cut]);
                Assert.True(ours.ExitStatus == 1, $"{codec} -d on the first {cut} of {packed.Length} bytes: status {ours.ExitStatus}");
                Assert.StartsWith($"{codec}: stdin: ", ours.ErrorText, StringComparison.Ordinal);
                Assert.Single(ours.ErrorText.TrimEnd('\n').Split('\n'));
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("gzip", "gzip", "-dc")]
    [InlineData("zstd", "zstd", "-dcq")]
    [InlineData("brotli", "brotli", "-dc")]
    [InlineData("zlib", "zlib-flate", "-uncompress")]
    public async Task Command_PrefixesOfOurOutput_RefusedWhereTheToolRefuses(string codec, string tool, string flag)
    {
        byte[] packed = (await RunAsync(codec, [], CodecTestData.Payload(new Random(9), 500))).Stdout;
        for (int cut = 0; cut < packed.Length; cut++)
        {
            CommandOutcome theirs = await StageHarness.RunReferenceAsync(tool, [flag], packed[..cut]);
            CommandOutcome ours = await RunAsync(codec, ["-d"], packed[..cut]);
            Assert.Equal(1, ours.ExitStatus);

            // zlib-flate (qpdf) takes empty input for an empty stream; every other prefix, every tool refuses.
            Assert.True(theirs.ExitStatus != 0 || (tool == "zlib-flate" && cut == 0), $"{tool} accepted {cut} of {packed.Length} bytes");
        }
    }

    [Theory]
    [InlineData("gzip", 8)]
    [InlineData("zlib", 4)]
    public async Task Command_WrongCheckInTheTrailer_StatusOne(string codec, int trailer)
    {
        byte[] payload = CodecTestData.Payload(new Random(4), 10_000);
        byte[] packed = (await RunAsync(codec, [], payload)).Stdout;
        for (int i = packed.Length - trailer; i < packed.Length; i++)
        {
            foreach (byte flip in new byte[] { 0x01, 0x80, 0xFF })
            {
                byte[] bad = (byte[])packed.Clone();
                bad[i] ^= flip;
                CommandOutcome ours = await RunAsync(codec, ["-d"], bad);
                Assert.True(ours.ExitStatus == 1, $"{codec}: byte {i} of {packed.Length} ^ {flip:X2} accepted");
                Assert.StartsWith($"{codec}: stdin: invalid compressed data", ours.ErrorText, StringComparison.Ordinal);
                if (codec == "gzip")
                {
                    CommandOutcome theirs = await StageHarness.RunReferenceAsync("gzip", ["-dc"], bad);
                    Assert.Equal(1, theirs.ExitStatus);
                }
            }
        }
    }

    [Fact]
    public async Task Command_ZstdFrameWithWrongChecksum_StatusOne()
    {
        byte[] payload = CodecTestData.Payload(new Random(4), 10_000);
        byte[] packed = (await StageHarness.RunReferenceAsync("zstd", ["-c", "-q", "--check"], payload)).Stdout;
        packed[^1] ^= 0x40;
        CommandOutcome ours = await RunAsync("zstd", ["-d"], packed);
        Assert.Equal(1, ours.ExitStatus);
        Assert.StartsWith("zstd: stdin: invalid compressed data", ours.ErrorText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Command_EmptyInput_UnexpectedEndOfFile(string codec)
    {
        CommandOutcome ours = await RunAsync(codec, ["-d"], []);
        Assert.Equal(1, ours.ExitStatus);
        Assert.Equal($"{codec}: stdin: unexpected end of file\n", ours.ErrorText);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Module_HangupAtEveryCut_ErrorUnlessBetweenWholeMessages(string codec)
    {
        // Flushed messages (empty ones too) and the end of the stream: a hangup between two messages is a peer gone away
        // between messages (every message it flushed arrived whole), anywhere else it is a truncated stream.
        var random = new Random(3);
        byte[][] messages = [[], CodecTestData.Payload(random, 200), [], CodecTestData.Payload(random, 1), CodecTestData.Payload(random, 3000)];
        var packed = new List<byte>();
        var boundaries = new Dictionary<int, int> { [0] = 0 };
        await using (var down = new EmbeddedStream(CodecTestData.Create(codec)))
        {
            int sent = 0;
            foreach (byte[] m in messages)
            {
                down.WriteDown(m);
                packed.AddRange(down.ReadAllDownBytes());
                sent += m.Length;
                boundaries[packed.Count] = sent;
            }

            down.CompleteDown();
            packed.AddRange(down.ReadAllDownBytes());
        }

        byte[] all = [.. packed];
        byte[] expected = [.. messages.SelectMany(m => m)];
        for (int cut = 0; cut <= all.Length; cut++)
        {
            await using var up = new EmbeddedStream(CodecTestData.Create(codec));
            var got = new List<byte>();
            Exception? error = null;
            try
            {
                up.WriteUp(all.AsSpan(0, cut));
                up.HangupUp();
                got.AddRange(await CodecModuleTests.ReadToEndAsync(up));
            }
            catch (StreamException ex)
            {
                error = ex;
                Assert.Equal(codec, ex.Component);
            }

            if (cut == all.Length)
            {
                Assert.Null(error);
                Assert.Equal(expected, got.ToArray());
            }
            else if (boundaries.TryGetValue(cut, out int whole))
            {
                Assert.Null(error);
                Assert.Equal(expected[..whole], got.ToArray());
            }
            else
            {
                Assert.True(error is not null, $"{codec}: a hangup after {cut} of {all.Length} bytes ended cleanly with {got.Count} bytes");
                Assert.Contains("offset", error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Command_MaxAroundBufferBoundaries_AtMostMaxBytesThenTheError(string codec)
    {
        foreach (int max in new[] { 1, 1000, Codec.Step - 1, Codec.Step, Codec.Step + 1, 65_536, 2 * Codec.Step, 200_000 })
        {
            byte[] payload = CodecTestData.Payload(new Random(max), max + 1);
            byte[] packed = Encode(codec, payload, "fastest");
            foreach (int length in new[] { max - 1, max })
            {
                byte[] fits = Encode(codec, payload[..length], "fastest");
                CommandOutcome ok = await RunAsync(codec, ["-d", "--max", max.ToString(System.Globalization.CultureInfo.InvariantCulture)], fits);
                Assert.Equal(0, ok.ExitStatus);
                Assert.Equal(payload[..length], ok.Stdout);
            }

            CommandOutcome over = await RunAsync(codec, ["-d", "--max", max.ToString(System.Globalization.CultureInfo.InvariantCulture)], packed);
            Assert.Equal(1, over.ExitStatus);
            Assert.Contains($"{codec}: stdin: decompressed data exceeds --max {max} bytes", over.ErrorText, StringComparison.Ordinal);
            Assert.Equal(payload[..max], over.Stdout);
        }
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task Module_MaxAroundBufferBoundaries_NeverMoreThanMaxUp(string codec)
    {
        foreach (int max in new[] { 1, 1000, Codec.Step - 1, Codec.Step, Codec.Step + 1, 2 * Codec.Step + 1 })
        {
            byte[] payload = CodecTestData.Payload(new Random(max), max + 1);
            foreach (int length in new[] { max - 1, max, max + 1 })
            {
                byte[] packed = Encode(codec, payload[..length], "fastest");
                await using var up = new EmbeddedStream(new StreamOptions { HeadLimits = new StreamQueueLimits(long.MaxValue, long.MaxValue / 2) }, CodecTestData.Create(codec, $"--max {max}"));
                up.WriteUp(packed);
                var got = new List<byte>();
                StreamException? error = null;
                try
                {
                    while (up.Head.TryRead(out Message? m))
                    {
                        if (m!.Kind == MessageKind.Data)
                        {
                            got.AddRange(m.Span.ToArray());
                        }

                        m.Release();
                    }
                }
                catch (StreamException ex)
                {
                    error = ex;
                }

                Assert.True(got.Count <= max, $"{codec} --max {max}: {got.Count} bytes went up");
                if (length <= max)
                {
                    Assert.Null(error);
                    Assert.Equal(payload[..length], got.ToArray());
                }
                else
                {
                    Assert.NotNull(error);
                    Assert.Contains($"more than {max} bytes (--max)", error.Message, StringComparison.Ordinal);
                }
            }
        }
    }

    // Every cut of a short stream; of a long one, the first and last 300 and 300 more at random.
    private static IEnumerable<int> Cuts(int length, Random random)
    {
        if (length <= 1200)
        {
            return Enumerable.Range(0, length);
        }

        return Enumerable.Range(0, 300)
            .Concat(Enumerable.Range(length - 300, 300))
            .Concat(Enumerable.Range(0, 300).Select(_ => random.Next(300, length - 300)));
    }

    private static byte[] Encode(string codec, byte[] payload, string level)
    {
        CodecOptions.ParseLevel(codec, level, out System.IO.Compression.CompressionLevel named, out int? quality);
        var output = new ArrayBufferWriter<byte>();
        using CodecEncoder encoder = Codec.Get(codec).CreateEncoder(new CodecOptions { Level = named, Quality = quality });
        encoder.Write(payload, output);
        encoder.Finish(output);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Decode(string codec, ReadOnlyMemory<byte> packed, bool strict, int chunk = int.MaxValue)
    {
        var output = new ArrayBufferWriter<byte>();
        using CodecDecoder decoder = Codec.Get(codec).CreateDecoder(new CodecOptions { MaxDecodedSize = long.MaxValue });
        for (int offset = 0; offset < packed.Length; offset += chunk)
        {
            ReadOnlyMemory<byte> rest = packed.Slice(offset, Math.Min(chunk, packed.Length - offset));
            while (true)
            {
                int n = decoder.Decode(ref rest, output.GetSpan(Codec.Step)[..Codec.Step]);
                output.Advance(n);
                if (n == 0)
                {
                    break;
                }
            }
        }

        decoder.Complete(strict);
        return output.WrittenSpan.ToArray();
    }

    private static bool Refused(string codec, ReadOnlyMemory<byte> packed, bool strict, int chunk = int.MaxValue)
    {
        try
        {
            Decode(codec, packed, strict, chunk);
            return false;
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }

    private static Task<CommandOutcome> RunAsync(string command, string[] arguments, byte[] stdin)
        => StageHarness.RunAsync(CodecTestData.Registry.CreateCommand(command, arguments), arguments, stdin);
}
