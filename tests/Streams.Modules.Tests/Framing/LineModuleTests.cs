using System.Text;
using Streams.Components;
using Streams.Modules.Framing;
using Streams.Testing;

namespace Streams.Modules.Tests.Framing;

public sealed class LineModuleContractTests : ModuleContractTests<LineModule>
{
    protected override LineModule Create() => new();
}

public sealed class LineModuleTests
{
    private static string Text(byte[] b) => Encoding.ASCII.GetString(b);

    [Fact]
    public async Task WriteDown_Messages_EachGetsNewline()
    {
        await using var s = new EmbeddedStream(new LineModule());
        s.WriteDown("abc");
        s.WriteDown("");
        Assert.Equal(["abc\n", "\n"], s.ReadAllDown().Select(Text));
    }

    [Fact]
    public async Task WriteDown_Crlf_EachGetsCrLf()
    {
        await using var s = new EmbeddedStream(new LineModule(new LineOptions { Crlf = true }));
        s.WriteDown("abc");
        Assert.Equal("abc\r\n", Text(s.ReadAllDownBytes()));
    }

    [Fact]
    public async Task WriteUp_SeveralLinesInOneMessage_OneMessagePerLine()
    {
        await using var s = new EmbeddedStream(new LineModule());
        s.WriteUp("one\ntwo\n\nthree\n");
        Assert.Equal(["one", "two", "", "three"], s.ReadAllUp().Select(Text));
    }

    [Fact]
    public async Task WriteUp_LineSpanningMessages_Reassembled()
    {
        await using var s = new EmbeddedStream(new LineModule());
        s.WriteUp("ab");
        s.WriteUp("c");
        Assert.Empty(s.ReadAllUp());
        s.WriteUp("d\ne");
        Assert.Equal(["abcd"], s.ReadAllUp().Select(Text));
        s.WriteUp("\n");
        Assert.Equal(["e"], s.ReadAllUp().Select(Text));
    }

    [Fact]
    public async Task WriteUp_LfMode_KeepsCarriageReturn()
    {
        await using var s = new EmbeddedStream(new LineModule());
        s.WriteUp("a\r\nb\n");
        Assert.Equal(["a\r", "b"], s.ReadAllUp().Select(Text));
    }

    [Fact]
    public async Task WriteUp_Crlf_AcceptsBothLineEnds()
    {
        await using var s = new EmbeddedStream(new LineModule(new LineOptions { Crlf = true }));
        s.WriteUp("a\r\nb\nc\r");
        s.WriteUp("\nd\r\n");
        Assert.Equal(["a", "b", "c", "d"], s.ReadAllUp().Select(Text));
    }

    [Fact]
    public async Task WriteUp_LineLongerThanMax_FailsNamingModuleAndOffset()
    {
        await using var s = new EmbeddedStream(new LineModule(new LineOptions { MaxLength = 4 }));
        s.WriteUp("ok\nabcd\nabc");
        Assert.Equal(["ok", "abcd"], s.ReadAllUp().Select(Text));
        s.WriteUp("de");
        StreamException ex = Assert.Throws<StreamException>(() => s.ReadUp());
        Assert.Equal("line", ex.Component);
        Assert.Contains("offset 8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteUp_LongLineWithoutNewline_FailsBeforeBufferingPastMax()
    {
        await using var s = new EmbeddedStream(new LineModule(new LineOptions { MaxLength = 1000 }));
        s.WriteUp(new string('x', 1000));
        Assert.Empty(s.ReadAllUp());
        s.WriteUp("y");
        StreamException ex = Assert.Throws<StreamException>(() => s.ReadUp());
        Assert.Equal("line", ex.Component);
        Assert.Contains("offset 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteUp_LineOfExactlyMax_Accepted()
    {
        await using var s = new EmbeddedStream(new LineModule(new LineOptions { MaxLength = 3, Crlf = true }));
        s.WriteUp("abc\r");
        s.WriteUp("\n");
        Assert.Equal(["abc"], s.ReadAllUp().Select(Text));
    }

    [Fact]
    public async Task Hangup_WithUnterminatedLine_DeliversItThenEnds()
    {
        await using var s = new EmbeddedStream(new LineModule());
        s.WriteUp("a\nlast");
        s.HangupUp();
        var got = new List<string>();
        while (await s.Head.ReadAsync() is { } m)
        {
            got.Add(m.ToText());
            m.Release();
        }

        Assert.Equal(["a", "last"], got);
        Assert.Equal(HangupKind.PeerClosed, s.Head.EndReason);
    }

    [Fact]
    public async Task Pop_WithPartialLine_PassesBytesUpRaw()
    {
        await using var s = new EmbeddedStream(new LineModule());
        s.WriteUp("a\npart");
        Assert.Equal(["a"], s.ReadAllUp().Select(Text));
        await s.Head.PopAsync();
        Assert.Equal("part", Text(s.ReadAllUpBytes()));
    }

    [Fact]
    public async Task Registry_LineWithOptions_CreatesConfiguredModule()
    {
        var registry = new ComponentRegistry().AddStreamModules();
        var m = Assert.IsType<LineModule>(registry.CreateModule("line --crlf --max 1K"));
        Assert.True(m.Options.Crlf);
        Assert.Equal(1024, m.Options.MaxLength);
        Assert.True(registry.TryGet("line", out ComponentDescriptor d, out _));
        Assert.True(d.MessagesAtHead);
        Assert.Throws<ComponentArgumentException>(() => registry.CreateModule("line --max 0"));
    }

    [Fact]
    public void Options_BadMax_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineOptions { MaxLength = 0 });
    }

    [Fact]
    public async Task Decode_ManyLinesSteadyState_AllocatesLittle()
    {
        await using var s = new EmbeddedStream(new LineModule());
        byte[] line = Encoding.ASCII.GetBytes("hello world\n");
        for (int i = 0; i < 200; i++)
        {
            s.WriteUp(line);
            s.ReadUp()!.Release();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            s.WriteUp(line);
            s.ReadUp()!.Release();
        }

        long perMessage = (GC.GetAllocatedBytesForCurrentThread() - before) / 2000;
        Assert.True(perMessage < 64, $"{perMessage} bytes allocated per message");
    }

    [Fact]
    public Task Property_RandomLinesAnyChunking_DecodeToSameMessages() =>
        DecoderProperties.RoundTripAsync(() => new LineModule(), r => DecoderProperties.RandomBytesWithout(r, 40, (byte)'\n'), seed: 1);

    [Fact]
    public Task Property_CrlfRandomLinesAnyChunking_DecodeToSameMessages() =>
        DecoderProperties.RoundTripAsync(
            () => new LineModule(new LineOptions { Crlf = true }),
            r => StripCrLf(DecoderProperties.RandomBytesWithout(r, 40, (byte)'\n')),
            seed: 2);

    [Fact]
    public async Task Property_Garbage_EndsCleanlyOrWithLineError()
    {
        int errors = await DecoderProperties.GarbageAsync(() => new LineModule(new LineOptions { MaxLength = 16 }), "line", r => DecoderProperties.RandomBytes(r, 200), seed: 3);
        Assert.InRange(errors, 1, 200);
    }

    private static byte[] StripCrLf(byte[] b) => b.Select(x => x == (byte)'\r' ? (byte)'x' : x).ToArray();
}
