using System.Text;
using Streams.Components;
using Streams.Modules.Framing;
using Streams.Testing;

namespace Streams.Modules.Tests.Framing;

public sealed class NetstringModuleContractTests : ModuleContractTests<NetstringModule>
{
    protected override NetstringModule Create() => new();
}

public sealed class NetstringModuleTests
{
    private static string Text(byte[] b) => Encoding.ASCII.GetString(b);

    [Fact]
    public async Task WriteDown_Messages_BecomeNetstrings()
    {
        await using var s = new EmbeddedStream(new NetstringModule());
        s.WriteDown("hello");
        s.WriteDown("");
        Assert.Equal(["5:hello,", "0:,"], s.ReadAllDown().Select(Text));
    }

    [Fact]
    public async Task WriteDown_LargeMessage_Encoded()
    {
        await using var s = new EmbeddedStream(new NetstringModule());
        s.WriteDown(new string('a', 12345));
        Assert.Equal("12345:" + new string('a', 12345) + ",", Text(s.ReadAllDownBytes()));
    }

    [Fact]
    public async Task WriteUp_SeveralNetstringsSplitAnywhere_OneMessageEach()
    {
        await using var s = new EmbeddedStream(new NetstringModule());
        s.WriteUp("3:abc,0:,1");
        s.WriteUp("1:hello ");
        s.WriteUp("world,");
        Assert.Equal(["abc", "", "hello world"], s.ReadAllUp().Select(Text));
    }

    [Theory]
    [InlineData("x:abc,", "expected a digit", "offset 0")]
    [InlineData("3:abc,01:a,", "leading zero", "offset 6")]
    [InlineData("3:abc;", "expected ','", "offset 5")]
    [InlineData("3;abc,", "expected ':'", "offset 1")]
    [InlineData("3:abc,-1:", "expected a digit", "offset 6")]
    [InlineData("99999999999999:", "more than", "offset 0")]
    public async Task WriteUp_Malformed_FailsNamingModuleAndOffset(string input, string what, string where)
    {
        await using var s = new EmbeddedStream(new NetstringModule());
        s.WriteUp(input);
        StreamException ex = Assert.Throws<StreamException>(() => s.ReadAllUp());
        Assert.Equal("netstring", ex.Component);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
        Assert.Contains(where, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteUp_LengthOverMax_FailsFromHeader()
    {
        await using var s = new EmbeddedStream(new NetstringModule(new NetstringOptions { MaxLength = 100 }));
        s.WriteUp("101:");
        StreamException ex = Assert.Throws<StreamException>(() => s.ReadUp());
        Assert.Contains("exceeds the limit of 100", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hangup_InsideNetstring_Fails()
    {
        await using var s = new EmbeddedStream(new NetstringModule());
        s.WriteUp("5:hel");
        s.HangupUp();
        Assert.Equal("netstring", (await Assert.ThrowsAsync<StreamException>(async () => await s.Head.ReadAsync())).Component);
    }

    [Fact]
    public void Registry_Netstring_RegisteredWithMax()
    {
        var registry = new ComponentRegistry().AddStreamModules();
        Assert.Equal(99999, Assert.IsType<NetstringModule>(registry.CreateModule("netstring --max 99999")).Options.MaxLength);
    }

    [Fact]
    public Task Property_RandomNetstringsAnyChunking_DecodeToSameMessages() =>
        DecoderProperties.RoundTripAsync(
            () => new NetstringModule(new NetstringOptions { MaxLength = 1000 }),
            r => DecoderProperties.RandomBytes(r, r.Next(5) == 0 ? 1000 : 12),
            seed: 11);

    [Fact]
    public async Task Property_Garbage_EndsCleanlyOrWithNetstringError()
    {
        int errors = await DecoderProperties.GarbageAsync(() => new NetstringModule(new NetstringOptions { MaxLength = 64 }), "netstring", r => DecoderProperties.RandomBytes(r, 200), seed: 12);
        Assert.InRange(errors, 100, 200);
    }

    [Fact]
    public async Task Property_MostlyValidGarbage_EndsCleanlyOrWithNetstringError()
    {
        // Netstring-looking input with random damage: digits, colons and commas in random places.
        byte[] alphabet = "0123456789:,ab"u8.ToArray();
        await DecoderProperties.GarbageAsync(
            () => new NetstringModule(new NetstringOptions { MaxLength = 64 }),
            "netstring",
            r => Enumerable.Range(0, r.Next(0, 60)).Select(_ => alphabet[r.Next(alphabet.Length)]).ToArray(),
            seed: 13);
    }
}
