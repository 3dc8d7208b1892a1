using Streams.Components;
using Streams.Modules.Protocol;
using Streams.Testing;

namespace Streams.Modules.Tests.Protocol;

public sealed class TraceModuleContractTests : ModuleContractTests<TraceModule>
{
    protected override TraceModule Create() => new(new TraceOptions { Writer = TextWriter.Null });
}

public sealed class TraceModuleTests
{
    [Fact]
    public async Task Messages_BothDirections_TracedAndPassedUnchanged()
    {
        var log = new StringWriter();
        await using var s = new EmbeddedStream(new TraceModule(new TraceOptions { Writer = log }));
        s.WriteDown("hello");
        s.WriteUp([0x00, 0x41, 0xFF]);
        s.HangupUp();
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(s.ReadAllDownBytes()));
        Assert.Equal([[0x00, 0x41, 0xFF]], s.ReadAllUp());
        string[] lines = log.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("trace ↓ Data 5: 68 65 6c 6c 6f |hello|", lines[0]);
        Assert.Equal("trace ↑ Data 3: 00 41 ff |.A.|", lines[1]);
        Assert.Equal("trace ↑ Hangup PeerClosed", lines[2]);
    }

    [Fact]
    public async Task LongPayload_CutAtBytesOption()
    {
        var log = new StringWriter();
        await using var s = new EmbeddedStream(new TraceModule(new TraceOptions { Writer = log, Bytes = 4 }));
        s.WriteDown("abcdefgh");
        Assert.Equal("abcdefgh", System.Text.Encoding.ASCII.GetString(s.ReadAllDownBytes()));
        Assert.StartsWith("trace ↓ Data 8: 61 62 63 64 … |abcd|…", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_Traced()
    {
        var log = new StringWriter();
        await using var s = new EmbeddedStream(new TraceModule(new TraceOptions { Writer = log }));
        await Assert.ThrowsAsync<StreamException>(() => s.Head.ControlAsync("x.unknown"));
        Assert.Contains("↓ Control", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("↑ Nak", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileOption_AppendsAndFlushesOnPop()
    {
        string path = Path.Combine(Path.GetTempPath(), $"streams-trace-{Guid.NewGuid():N}.log");
        try
        {
            var registry = new ComponentRegistry().AddStreamModules();
            await using (var s = new EmbeddedStream(registry.CreateModule($"trace --bytes 2 --file {path}")))
            {
                s.WriteDown("xyz");
                s.ReadAllDown();
                await s.Head.PopAsync();
            }

            Assert.Equal("trace ↓ Data 3: 78 79 … |xy|…" + Environment.NewLine, await File.ReadAllTextAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task BrokenWriter_TracingStops_StreamCarriesOn()
    {
        var broken = new StringWriter();
        await broken.DisposeAsync();
        await using var s = new EmbeddedStream(new TraceModule(new TraceOptions { Writer = broken }));
        s.WriteDown("a");
        s.WriteDown("b");
        Assert.Equal(2, s.ReadAllDown().Count);
    }
}
