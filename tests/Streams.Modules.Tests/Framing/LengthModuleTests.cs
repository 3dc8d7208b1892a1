using System.Text;
using Streams.Components;
using Streams.Modules.Framing;
using Streams.Testing;

namespace Streams.Modules.Tests.Framing;

public sealed class LengthModuleContractTests : ModuleContractTests<LengthModule>
{
    protected override LengthModule Create() => new();
}

public sealed class LengthModuleTests
{
    private static byte[] B(params int[] bytes) => bytes.Select(b => (byte)b).ToArray();

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] A(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public async Task WriteDown_Default_PrependsFourByteBigEndianLength()
    {
        await using var s = new EmbeddedStream(new LengthModule());
        s.WriteDown("HELLO, WORLD");
        Assert.Equal(Cat(B(0, 0, 0, 12), A("HELLO, WORLD")), s.ReadAllDownBytes());
    }

    [Theory]
    [InlineData(1, false, new byte[] { 3 })]
    [InlineData(2, false, new byte[] { 0, 3 })]
    [InlineData(2, true, new byte[] { 3, 0 })]
    [InlineData(4, true, new byte[] { 3, 0, 0, 0 })]
    [InlineData(8, false, new byte[] { 0, 0, 0, 0, 0, 0, 0, 3 })]
    public async Task WriteDown_FieldSizes_EncodeLength(int bytes, bool little, byte[] header)
    {
        await using var s = new EmbeddedStream(new LengthModule(new LengthOptions { LengthBytes = bytes, LittleEndian = little }));
        s.WriteDown("abc");
        Assert.Equal(Cat(header, A("abc")), s.ReadAllDownBytes());
    }

    [Fact]
    public async Task WriteDown_OffsetAndIncludesHeader_ZeroesOffsetAndCountsHeader()
    {
        await using var s = new EmbeddedStream(new LengthModule(new LengthOptions { LengthBytes = 2, Offset = 2, IncludesHeader = true }));
        s.WriteDown("HELLO, WORLD");
        Assert.Equal(Cat(B(0, 0, 0, 16), A("HELLO, WORLD")), s.ReadAllDownBytes());
    }

    [Fact]
    public async Task WriteUp_NoStrip_KeepsHeader()
    {
        await using var s = new EmbeddedStream(new LengthModule(new LengthOptions { LengthBytes = 2, Offset = 2, IncludesHeader = true, Strip = false }));
        byte[] frame = Cat(B(0xCA, 0xFE, 0, 16), A("HELLO, WORLD"));
        s.WriteUp(frame);
        Assert.Equal([frame], s.ReadAllUp());
    }

    [Fact]
    public async Task WriteUp_Adjust_PassesBytesAfterField()
    {
        await using var s = new EmbeddedStream(new LengthModule(new LengthOptions { LengthBytes = 2, Adjust = 2 }));
        s.WriteUp(Cat(B(0, 12, 0xCA, 0xFE), A("HELLO, WORLD")));
        Assert.Equal([Cat(B(0xCA, 0xFE), A("HELLO, WORLD"))], s.ReadAllUp());
    }

    [Fact]
    public async Task WriteUp_SeveralFramesAndSplitFrame_OneMessageEach()
    {
        await using var s = new EmbeddedStream(new LengthModule());
        s.WriteUp(Cat(B(0, 0, 0, 1), A("a"), B(0, 0, 0, 0), B(0, 0)));
        Assert.Equal([A("a"), []], s.ReadAllUp());
        s.WriteUp(Cat(B(0, 3), A("bc")));
        Assert.Empty(s.ReadAllUp());
        s.WriteUp(A("d"));
        Assert.Equal([A("bcd")], s.ReadAllUp());
    }

    [Fact]
    public async Task WriteUp_LengthOverMax_FailsFromHeaderNamingOffset()
    {
        await using var s = new EmbeddedStream(new LengthModule(new LengthOptions { MaxLength = 10 }));
        s.WriteUp(Cat(B(0, 0, 0, 2), A("ok")));
        Assert.Single(s.ReadAllUp());
        s.WriteUp(B(0, 0, 0, 11));
        StreamException ex = Assert.Throws<StreamException>(() => s.ReadUp());
        Assert.Equal("length", ex.Component);
        Assert.Contains("offset 6", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteUp_HugeEightByteLength_FailsWithoutAllocating()
    {
        await using var s = new EmbeddedStream(new LengthModule(new LengthOptions { LengthBytes = 8 }));
        long before = GC.GetAllocatedBytesForCurrentThread();
        s.WriteUp(B(0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Equal("length", Assert.Throws<StreamException>(() => s.ReadUp()).Component);
    }

    [Fact]
    public async Task WriteUp_IncludesHeaderButLengthTooSmall_Fails()
    {
        await using var s = new EmbeddedStream(new LengthModule(new LengthOptions { IncludesHeader = true }));
        s.WriteUp(B(0, 0, 0, 3, 9));
        Assert.Contains("smaller than the header", Assert.Throws<StreamException>(() => s.ReadUp()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hangup_InsideFrame_FailsNamingModule()
    {
        await using var s = new EmbeddedStream(new LengthModule());
        s.WriteUp(Cat(B(0, 0, 0, 5), A("abc")));
        s.HangupUp();
        StreamException ex = await Assert.ThrowsAsync<StreamException>(async () => await s.Head.ReadAsync());
        Assert.Equal("length", ex.Component);
        Assert.Contains("offset 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteDown_MessageTooLongForField_Fails()
    {
        await using var s = new EmbeddedStream(new LengthModule(new LengthOptions { LengthBytes = 1 }));
        await Assert.ThrowsAsync<StreamException>(async () =>
        {
            await s.Head.WriteAsync(s.Pool.Data(new byte[256]));
            await s.Head.WriteAsync(s.Pool.Data(new byte[1]));
        });
        Assert.Equal("length", s.Head.Error?.Component);
    }

    [Fact]
    public async Task Decode_SteadyStateWholeAndSplitFrames_AllocatesLittle()
    {
        await using var s = new EmbeddedStream(new LengthModule());
        byte[] frame = Cat(B(0, 0, 0, 100), new byte[100]);
        void Round()
        {
            s.WriteUp(frame);
            s.WriteUp(frame.AsSpan(0, 2));
            s.WriteUp(frame.AsSpan(2, 50));
            s.WriteUp(frame.AsSpan(52));
            s.ReadUp()!.Release();
            s.ReadUp()!.Release();
        }

        for (int i = 0; i < 200; i++)
        {
            Round();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            Round();
        }

        long perRound = (GC.GetAllocatedBytesForCurrentThread() - before) / 2000;
        Assert.True(perRound < 128, $"{perRound} bytes allocated per round");
    }

    [Fact]
    public async Task Registry_LengthOptions_Parsed()
    {
        var registry = new ComponentRegistry().AddStreamModules();
        var m = Assert.IsType<LengthModule>(registry.CreateModule("length --bytes 2 --little-endian --max 1M --adjust -2 --offset 3 --includes-header --no-strip"));
        Assert.Equal(new LengthOptions { LengthBytes = 2, LittleEndian = true, MaxLength = 1 << 20, Adjust = -2, Offset = 3, IncludesHeader = true, Strip = false }, m.Options);
        Assert.Throws<ComponentArgumentException>(() => registry.CreateModule("length --bytes 3"));
        Assert.Throws<ComponentArgumentException>(() => registry.CreateModule("length --offset 5000"));
    }

    [Theory]
    [InlineData(1, false, 0, false)]
    [InlineData(2, true, 0, false)]
    [InlineData(4, false, 0, false)]
    [InlineData(8, true, 0, false)]
    [InlineData(2, false, 3, true)]
    [InlineData(4, true, 1, true)]
    public Task Property_RandomFramesAnyChunking_DecodeToSameMessages(int bytes, bool little, int offset, bool includes) =>
        DecoderProperties.RoundTripAsync(
            () => new LengthModule(new LengthOptions { LengthBytes = bytes, LittleEndian = little, Offset = offset, IncludesHeader = includes, MaxLength = 300 }),
            r => DecoderProperties.RandomBytes(r, r.Next(4) == 0 ? 240 : 20),
            seed: 100 + bytes + offset);

    [Fact]
    public async Task Property_Garbage_EndsCleanlyOrWithLengthError()
    {
        int errors = await DecoderProperties.GarbageAsync(() => new LengthModule(new LengthOptions { MaxLength = 64 }), "length", r => DecoderProperties.RandomBytes(r, 300), seed: 4);
        Assert.InRange(errors, 100, 200);
    }

    [Fact]
    public async Task Property_TruncatedFrames_EndCleanlyOrWithLengthError()
    {
        var rng = new Random(5);
        for (int it = 0; it < 200; it++)
        {
            byte[] wire;
            await using (var down = new EmbeddedStream(new LengthModule()))
            {
                for (int i = rng.Next(1, 5); i > 0; i--)
                {
                    down.WriteDown(DecoderProperties.RandomBytes(rng, 30));
                }

                wire = down.ReadAllDownBytes();
            }

            int cut = rng.Next(0, wire.Length + 1);
            await using var up = new EmbeddedStream(new LengthModule());
            StreamException? ex = await DecoderProperties.FeedAsync(up, rng, wire[..cut]);
            if (ex is not null)
            {
                Assert.Equal("length", ex.Component);
            }
        }
    }
}
