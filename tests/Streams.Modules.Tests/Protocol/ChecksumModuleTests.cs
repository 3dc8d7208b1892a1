using System.Text;
using Streams.Components;
using Streams.Modules.Protocol;
using Streams.Modules.Tests.Framing;
using Streams.Testing;

namespace Streams.Modules.Tests.Protocol;

public sealed class ChecksumModuleContractTests : ModuleContractTests<ChecksumModule>
{
    protected override ChecksumModule Create() => new();
}

public sealed class ChecksumModuleTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("hello", 0x9A71BB4Cu)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x22620404u)]
    public void Crc32C_KnownVectors_Match(string text, uint expected)
    {
        Assert.Equal(expected, ChecksumModule.Crc32C(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void Crc32C_AllLengths_MatchBitwiseReference()
    {
        var rng = new Random(41);
        for (int n = 0; n < 100; n++)
        {
            byte[] data = new byte[n];
            rng.NextBytes(data);
            Assert.Equal(Reference(data), ChecksumModule.Crc32C(data));
        }
    }

    [Fact]
    public async Task WriteDown_Message_GetsBigEndianCrc32C()
    {
        await using var s = new EmbeddedStream(new ChecksumModule());
        s.WriteDown("hello");
        Assert.Equal([.. "hello"u8, 0x9A, 0x71, 0xBB, 0x4C], s.ReadAllDownBytes());
    }

    [Fact]
    public async Task WriteUp_ValidMessage_ChecksumStripped()
    {
        await using var s = new EmbeddedStream(new ChecksumModule());
        s.WriteUp([.. "hello"u8, 0x9A, 0x71, 0xBB, 0x4C]);
        Assert.Equal(["hello"u8.ToArray()], s.ReadAllUp());
    }

    [Fact]
    public async Task WriteUp_CorruptedSecondMessage_FailsNamingModuleAndOffset()
    {
        await using var s = new EmbeddedStream(new ChecksumModule());
        s.WriteUp([.. "hello"u8, 0x9A, 0x71, 0xBB, 0x4C]);
        Assert.Single(s.ReadAllUp());
        s.WriteUp([.. "hellO"u8, 0x9A, 0x71, 0xBB, 0x4C]);
        StreamException ex = Assert.Throws<StreamException>(() => s.ReadUp());
        Assert.Equal("checksum", ex.Component);
        Assert.Contains("offset 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteUp_TooShort_Fails()
    {
        await using var s = new EmbeddedStream(new ChecksumModule());
        s.WriteUp([1, 2, 3]);
        Assert.Contains("too short", Assert.Throws<StreamException>(() => s.ReadUp()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteDown_MessageWithoutTailRoom_StillChecksummed()
    {
        // A checksum below a checksum: the second needs tail room the first may have used up.
        await using var s = new EmbeddedStream(new ChecksumModule(), new ChecksumModule { Name = "outer" }, new ChecksumModule { Name = "third" }, new ChecksumModule { Name = "fourth" }, new ChecksumModule { Name = "fifth" });
        s.WriteDown("x");
        byte[] wire = s.ReadAllDownBytes();
        Assert.Equal(21, wire.Length);
        await using var up = new EmbeddedStream(new ChecksumModule(), new ChecksumModule { Name = "outer" }, new ChecksumModule { Name = "third" }, new ChecksumModule { Name = "fourth" }, new ChecksumModule { Name = "fifth" });
        up.WriteUp(wire);
        Assert.Equal(["x"u8.ToArray()], up.ReadAllUp());
    }

    [Fact]
    public void Registry_Checksum_Registered()
    {
        Assert.IsType<ChecksumModule>(new ComponentRegistry().AddStreamModules().CreateModule("checksum"));
    }

    [Fact]
    public async Task Property_RandomMessages_RoundTrip()
    {
        var rng = new Random(42);
        await using var down = new EmbeddedStream(new ChecksumModule());
        await using var up = new EmbeddedStream(new ChecksumModule());
        for (int it = 0; it < 200; it++)
        {
            byte[] payload = DecoderProperties.RandomBytes(rng, 300);
            down.WriteDown(payload);
            up.WriteUp(down.ReadAllDownBytes());
            Assert.Equal([payload], up.ReadAllUp());
        }
    }

    [Fact]
    public async Task Property_GarbageMessages_FailNamingChecksum()
    {
        var rng = new Random(43);
        for (int it = 0; it < 200; it++)
        {
            await using var s = new EmbeddedStream(new ChecksumModule());
            s.WriteUp(DecoderProperties.RandomBytes(rng, 50));
            StreamException ex = Assert.Throws<StreamException>(() => s.ReadAllUp());
            Assert.Equal("checksum", ex.Component);
        }
    }

    private static uint Reference(byte[] data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ 0x82F63B78 : c >> 1;
            }
        }

        return ~c;
    }
}
