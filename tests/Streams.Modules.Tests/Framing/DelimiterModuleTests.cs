using System.Text;
using Streams.Components;
using Streams.Modules.Framing;
using Streams.Testing;

namespace Streams.Modules.Tests.Framing;

public sealed class DelimiterModuleContractTests : ModuleContractTests<DelimiterModule>
{
    protected override DelimiterModule Create() => new(new DelimiterOptions { Delimiter = "\r\n\r\n"u8.ToArray() });
}

public sealed class DelimiterModuleTests
{
    private static string Text(byte[] b) => Encoding.ASCII.GetString(b);

    private static DelimiterModule Module(string escaped, int max = 64 * 1024) =>
        new(new DelimiterOptions { Delimiter = DelimiterOptions.ParseEscapes(escaped), MaxLength = max });

    [Fact]
    public async Task WriteDown_Message_GetsDelimiter()
    {
        await using var s = new EmbeddedStream(Module("\\r\\n\\r\\n"));
        s.WriteDown("abc");
        Assert.Equal("abc\r\n\r\n", Text(s.ReadAllDownBytes()));
    }

    [Fact]
    public async Task WriteDown_DelimiterLongerThanTailRoom_Copied()
    {
        string delimiter = new('#', 40);
        await using var s = new EmbeddedStream(Module(delimiter));
        s.WriteDown("abc");
        Assert.Equal("abc" + delimiter, Text(s.ReadAllDownBytes()));
    }

    [Fact]
    public async Task WriteUp_DelimiterStraddlingMessages_SplitsCorrectly()
    {
        await using var s = new EmbeddedStream(Module("\\r\\n\\r\\n"));
        s.WriteUp("abc\r\n");
        Assert.Empty(s.ReadAllUp());
        s.WriteUp("\r\nde\r\n\r\n");
        Assert.Equal(["abc", "de"], s.ReadAllUp().Select(Text));
    }

    [Fact]
    public async Task WriteUp_PartialDelimiterIsContent_KeptInFrame()
    {
        await using var s = new EmbeddedStream(Module("\\r\\n\\r\\n"));
        s.WriteUp("a\r\nb\r");
        s.WriteUp("\n\r\n");
        Assert.Equal(["a\r\nb"], s.ReadAllUp().Select(Text));
    }

    [Fact]
    public async Task WriteUp_FrameOverMax_FailsNamingModuleAndOffset()
    {
        await using var s = new EmbeddedStream(Module("|", max: 3));
        s.WriteUp("abc|de");
        Assert.Equal(["abc"], s.ReadAllUp().Select(Text));
        s.WriteUp("fg");
        StreamException ex = Assert.Throws<StreamException>(() => s.ReadUp());
        Assert.Equal("delimiter", ex.Component);
        Assert.Contains("offset 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hangup_WithUnterminatedFrame_DeliversIt()
    {
        await using var s = new EmbeddedStream(Module("\\0"));
        s.WriteUp("a\0b");
        s.HangupUp();
        var got = new List<string>();
        while (await s.Head.ReadAsync() is { } m)
        {
            got.Add(m.ToText());
            m.Release();
        }

        Assert.Equal(["a", "b"], got);
    }

    [Theory]
    [InlineData("\\n", new byte[] { 10 })]
    [InlineData("\\r\\n", new byte[] { 13, 10 })]
    [InlineData("\\t\\0\\\\", new byte[] { 9, 0, 92 })]
    [InlineData("\\xFF\\x0a", new byte[] { 255, 10 })]
    [InlineData("end", new byte[] { 101, 110, 100 })]
    [InlineData("é", new byte[] { 0xC3, 0xA9 })]
    public void ParseEscapes_Text_GivesBytes(string text, byte[] expected)
    {
        Assert.Equal(expected, DelimiterOptions.ParseEscapes(text));
    }

    [Theory]
    [InlineData("\\")]
    [InlineData("\\q")]
    [InlineData("\\xZZ")]
    public void ParseEscapes_Malformed_Throws(string text)
    {
        Assert.Throws<FormatException>(() => DelimiterOptions.ParseEscapes(text));
    }

    [Fact]
    public void Registry_Delimiter_ParsesEscapesAndRejectsBadOnes()
    {
        var registry = new ComponentRegistry().AddStreamModules();
        var m = Assert.IsType<DelimiterModule>(registry.CreateModule("delimiter --delimiter '\\r\\n' --max 1K"));
        Assert.Equal("\r\n"u8.ToArray(), m.Options.Delimiter.ToArray());
        Assert.Throws<ComponentArgumentException>(() => registry.CreateModule("delimiter --delimiter '\\q'"));
    }

    [Theory]
    [InlineData("\\n", 21)]
    [InlineData("\\r\\n\\r\\n", 22)]
    [InlineData("abab", 23)]
    public Task Property_RandomFramesAnyChunking_DecodeToSameMessages(string delimiter, int seed)
    {
        byte[] d = DelimiterOptions.ParseEscapes(delimiter);
        return DecoderProperties.RoundTripAsync(
            () => Module(delimiter, max: 100),
            r =>
            {
                // Frames must not contain the delimiter nor end with a prefix of it: use bytes outside it.
                byte[] b = DecoderProperties.RandomBytes(r, 60);
                for (int i = 0; i < b.Length; i++)
                {
                    while (d.Contains(b[i]))
                    {
                        b[i] = (byte)r.Next(256);
                    }
                }

                return b;
            },
            seed);
    }

    [Fact]
    public async Task Property_Garbage_EndsCleanlyOrWithDelimiterError()
    {
        int errors = await DecoderProperties.GarbageAsync(() => Module("ab", max: 8), "delimiter", r => Enumerable.Range(0, r.Next(0, 100)).Select(_ => (byte)"abc"[r.Next(3)]).ToArray(), seed: 24);
        Assert.InRange(errors, 1, 200);
    }
}
