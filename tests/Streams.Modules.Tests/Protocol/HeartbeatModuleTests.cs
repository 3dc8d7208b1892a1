using Streams.Components;
using Streams.Modules.Protocol;
using Streams.Testing;

namespace Streams.Modules.Tests.Protocol;

public sealed class HeartbeatModuleContractTests : ModuleContractTests<HeartbeatModule>
{
    protected override HeartbeatModule Create() => new();
}

public sealed class HeartbeatModuleTests
{
    private readonly ManualTimeProvider _time = new();

    private HeartbeatModule Module() => new(new HeartbeatOptions { Interval = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromSeconds(15), TimeProvider = _time });

    [Fact]
    public async Task WriteDown_Data_PrefixedWithDataType()
    {
        await using var s = new EmbeddedStream(Module());
        s.WriteDown("hi");
        Assert.Equal([0, (byte)'h', (byte)'i'], s.ReadAllDownBytes());
    }

    [Fact]
    public async Task WriteUp_Data_TypeStripped()
    {
        await using var s = new EmbeddedStream(Module());
        s.WriteUp([0, (byte)'x']);
        Assert.Equal(["x"u8.ToArray()], s.ReadAllUp());
    }

    [Fact]
    public async Task IdleWriteSide_AfterInterval_SendsPing()
    {
        await using var s = new EmbeddedStream(Module());
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(s.ReadAllDown());
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal([[HeartbeatModule.PingType]], s.ReadAllDown());
    }

    [Fact]
    public async Task BusyWriteSide_NoPing()
    {
        await using var s = new EmbeddedStream(Module());
        for (int i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            s.WriteDown("d");
            s.WriteUp([0]);
        }

        Assert.All(s.ReadAllDown(), m => Assert.Equal(HeartbeatModule.DataType, m[0]));
    }

    [Fact]
    public async Task PeerPing_AnsweredWithPong_NotShownToHead()
    {
        await using var s = new EmbeddedStream(Module());
        s.WriteUp([HeartbeatModule.PingType]);
        s.WriteUp([HeartbeatModule.PongType]);
        Assert.Equal([[HeartbeatModule.PongType]], s.ReadAllDown());
        Assert.Empty(s.ReadAllUp());
    }

    [Fact]
    public async Task Silence_PastTimeout_HangsUpWithTimeout()
    {
        await using var s = new EmbeddedStream(Module());
        _time.Advance(TimeSpan.FromSeconds(10));
        s.WriteUp([HeartbeatModule.PongType]);
        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(HangupKind.None, s.Head.EndReason);
        s.WriteUp([0, (byte)'a']);
        _time.Advance(TimeSpan.FromSeconds(16));
        Message? m = await s.Head.ReadAsync();
        Assert.Equal("a", m!.ToText());
        m.Release();
        Assert.Null(await s.Head.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(HangupKind.Timeout, s.Head.EndReason);
        Assert.Equal(0, _time.ActiveTimers);

        // What the peer sends after the timeout is dropped, not delivered.
        s.WriteUp([0, (byte)'z']);
        Assert.Empty(s.ReadAllUp());
    }

    [Fact]
    public async Task WriteUp_UnknownType_FailsNamingModuleAndOffset()
    {
        await using var s = new EmbeddedStream(Module());
        s.WriteUp([0, 1, 2]);
        s.WriteUp([7, 1]);
        StreamException ex = Assert.Throws<StreamException>(() => s.ReadAllUp());
        Assert.Equal("heartbeat", ex.Component);
        Assert.Contains("offset 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteUp_Empty_Fails()
    {
        await using var s = new EmbeddedStream(Module());
        s.WriteUp([]);
        Assert.Equal("heartbeat", Assert.Throws<StreamException>(() => s.ReadAllUp()).Component);
    }

    [Fact]
    public async Task Control_HeartbeatPing_SendsPingAndAcks()
    {
        await using var s = new EmbeddedStream(Module());
        await s.Head.ControlAsync("heartbeat.ping");
        Assert.Equal([[HeartbeatModule.PingType]], s.ReadAllDown());
    }

    [Fact]
    public async Task WriterFinished_NoMorePingsOrPongs()
    {
        await using var s = new EmbeddedStream(Module());
        s.CompleteDown();
        s.ReadAllDown();
        _time.Advance(TimeSpan.FromSeconds(6));
        s.WriteUp([HeartbeatModule.PingType]);
        Assert.Empty(s.ReadAllDown());
        Assert.Null(s.ReadDown());
    }

    [Fact]
    public async Task Pop_DisposesTimer()
    {
        await using var s = new EmbeddedStream(Module());
        Assert.Equal(1, _time.ActiveTimers);
        await s.Head.PopAsync();
        Assert.Equal(0, _time.ActiveTimers);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(s.ReadAllDown());
    }

    [Fact]
    public async Task TwoEnds_OverLength_PingsKeepBothAlive()
    {
        // Two streams wired back to back by hand: heartbeat above length on both ends.
        var a = new EmbeddedStream(Module(), new Streams.Modules.Framing.LengthModule());
        var b = new EmbeddedStream(Module(), new Streams.Modules.Framing.LengthModule());
        for (int i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            Pump(a, b);
        }

        Assert.Equal(HangupKind.None, a.Head.EndReason);
        Assert.Equal(HangupKind.None, b.Head.EndReason);
        a.WriteDown("hello");
        Pump(a, b);
        Assert.Equal(["hello"u8.ToArray()], b.ReadAllUp());
        await a.DisposeAsync();
        await b.DisposeAsync();

        static void Pump(EmbeddedStream x, EmbeddedStream y)
        {
            for (int round = 0; round < 3; round++)
            {
                foreach (byte[] m in x.ReadAllDown())
                {
                    y.WriteUp(m);
                }

                foreach (byte[] m in y.ReadAllDown())
                {
                    x.WriteUp(m);
                }
            }
        }
    }

    [Fact]
    public void Registry_HeartbeatDurations_Parsed()
    {
        var m = Assert.IsType<HeartbeatModule>(new ComponentRegistry().AddStreamModules().CreateModule("heartbeat --interval 250ms --timeout 2s"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), m.Options.Interval);
        Assert.Equal(TimeSpan.FromSeconds(2), m.Options.Timeout);
        Assert.Throws<ComponentArgumentException>(() => new ComponentRegistry().AddStreamModules().CreateModule("heartbeat --interval 0"));
    }
}
