using Streams.Components;
using Streams.Modules.Protocol;
using Streams.Testing;

namespace Streams.Modules.Tests.Protocol;

public sealed class ThrottleModuleContractTests : ModuleContractTests<ThrottleModule>
{
    protected override ThrottleModule Create() => new(new ThrottleOptions { BytesPerSecond = 1 << 30 });
}

public sealed class ThrottleModuleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static async Task<List<byte[]>> CollectDownAsync(EmbeddedStream s, int count)
    {
        var got = new List<byte[]>();
        using var cts = new CancellationTokenSource(Patience);
        while (got.Count < count)
        {
            got.AddRange(s.ReadAllDown());
            if (got.Count < count)
            {
                await Task.Delay(5, cts.Token);
            }
        }

        return got;
    }

    [Fact]
    public async Task MessagesPerSecond_BurstPassesAtOnce_RestWaitsInOrder()
    {
        await using var s = new EmbeddedStream(new ThrottleModule(new ThrottleOptions { MessagesPerSecond = 100, Burst = 2 }));
        for (int i = 0; i < 6; i++)
        {
            s.WriteDown([(byte)i]);
        }

        Assert.Equal(2, s.ReadAllDown().Count);
        List<byte[]> rest = await CollectDownAsync(s, 4);
        Assert.Equal([[2], [3], [4], [5]], rest);
    }

    [Fact]
    public async Task BytesPerSecond_MessageLargerThanBucket_PaidInInstallments()
    {
        await using var s = new EmbeddedStream(new ThrottleModule(new ThrottleOptions { BytesPerSecond = 20_000, Burst = 100 }));
        s.WriteDown(new byte[50]);
        s.WriteDown(new byte[500]);
        Assert.Single(s.ReadAllDown());
        Assert.Equal(500, (await CollectDownAsync(s, 1))[0].Length);
    }

    [Fact]
    public async Task QueueFull_WriterAtHeadHeldBack_ThenReleasedInOrder()
    {
        await using var s = new EmbeddedStream(new ThrottleModule(new ThrottleOptions
        {
            BytesPerSecond = 10_000,
            Burst = 100,
            QueueLimits = new StreamQueueLimits(50, 10),
        }));
        s.WriteDown(new byte[100]);
        s.WriteDown(new byte[60]);
        ValueTask held = s.Head.WriteAsync(s.Pool.Data(new byte[] { 7 }));
        Assert.False(held.IsCompleted);
        Assert.Single(s.ReadAllDown());
        await held.AsTask().WaitAsync(Patience);
        List<byte[]> rest = await CollectDownAsync(s, 2);
        Assert.Equal(60, rest[0].Length);
        Assert.Equal([7], rest[1]);
    }

    [Fact]
    public async Task ControlAndHangup_NotThrottled_HangupKeepsItsPlace()
    {
        await using var s = new EmbeddedStream(new ThrottleModule(new ThrottleOptions { MessagesPerSecond = 50, Burst = 1 }));
        s.ControlHandler = _ => "ok";
        s.WriteDown("a");
        s.WriteDown("b");
        Assert.Equal("ok", await s.Head.ControlAsync("driver.ping"));
        s.CompleteDown();
        Assert.Single(s.ReadAllDown());
        await CollectDownAsync(s, 1);
        await s.Driver.Context.Stream.WritesCompleted.WaitAsync(Patience);
        Assert.True(s.Driver.WritesCompleted);
    }

    [Fact]
    public async Task FlushWrite_DiscardsWaitingMessages_NoLeak()
    {
        await using var s = new EmbeddedStream(new ThrottleModule(new ThrottleOptions { MessagesPerSecond = 1, Burst = 1 }));
        for (int i = 0; i < 4; i++)
        {
            s.WriteDown([(byte)i]);
        }

        Assert.Single(s.ReadAllDown());
        await s.Head.FlushAsync(FlushSides.Write);
        Assert.Empty(s.ReadAllDown());
    }

    [Fact]
    public void Options_NeedExactlyOneRate()
    {
        Assert.Throws<ArgumentException>(() => new ThrottleModule(new ThrottleOptions()));
        Assert.Throws<ArgumentException>(() => new ThrottleModule(new ThrottleOptions { BytesPerSecond = 1, MessagesPerSecond = 1 }));
        var registry = new ComponentRegistry().AddStreamModules();
        Assert.Throws<ComponentArgumentException>(() => registry.CreateModule("throttle"));
        var m = Assert.IsType<ThrottleModule>(registry.CreateModule("throttle --bytes-per-second 64K"));
        Assert.Equal(64 * 1024, m.Rate);
    }
}
