using System.Diagnostics;
using Streams.Testing;
using static Streams.Transports.Tests.ZeroMq.ZeroMqTestSupport;

namespace Streams.Transports.Tests.ZeroMq;

/// <summary>Flow control and bounded shutdown of the zmq: driver.</summary>
public class ZeroMqDriverFlowTests
{
    private readonly MessagePool _pool = new();

    [Fact]
    public async Task Pull_HeadStopsReading_StopsReceivingAndLosesNothing()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        var options = new StreamOptions { Pool = _pool, HeadLimits = new StreamQueueLimits(1024, 256), CloseTimeout = TimeSpan.FromSeconds(2) };
        StreamHead head = Open($"zmq:pull:@{ep}?rcvhwm=10", _pool, options);
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("push", ">" + ep, 3000);
        await Task.Delay(700);

        // 1 KiB of 8-byte messages at the head, plus the one that crossed the mark: nowhere near 3000.
        long held = _pool.Outstanding;
        Assert.InRange(held, 1, 300);
        await Task.Delay(200);
        Assert.Equal(held, _pool.Outstanding);

        for (int i = 0; i < 3000; i++)
        {
            Assert.Equal($"msg-{i}", await ReadTextAsync(head));
        }

        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Push_PeerGone_WritesPendUntilAPeerComes()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        var options = new StreamOptions { Pool = _pool, QueueLimits = new StreamQueueLimits(4096, 1024), CloseTimeout = TimeSpan.FromSeconds(2) };
        StreamHead head = Open($"zmq:push:>{ep}?sndhwm=10&batch=16", _pool, options);
        int written = 0;
        ValueTask pending = default;
        for (; written < 2000; written++)
        {
            ValueTask write = head.WriteAsync($"{written:D6}".PadRight(100, 'x'));
            if (!write.IsCompleted)
            {
                pending = write;
                written++;
                break;
            }
        }

        Assert.InRange(written, 2, 500);
        await Task.Delay(200);
        Assert.False(pending.IsCompleted);

        using PyZmqPeer peer = await PyZmqPeer.StartAsync("pull", "@" + ep, written);
        await pending.AsTask().WaitAsync(Wait);
        List<string> got = await peer.ReadLinesAsync(written, Wait);
        Assert.Equal(Enumerable.Range(0, written).Select(i => $"{i:D6}".PadRight(100, 'x')), got);

        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Close_ConnectedPeerAndPendingWrites_EndsWithinTwoSeconds(bool abort)
    {
        string ep = PyZmqPeer.FreeEndpoint();
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("stall", "@" + ep, 0);
        var options = new StreamOptions { Pool = _pool, CloseTimeout = TimeSpan.FromMilliseconds(500) };
        StreamHead head = Open($"zmq:push:>{ep}?sndhwm=10", _pool, options);
        var writes = new List<Task>();
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < 2000; i++)
        {
            ValueTask w = head.WriteAsync(block);
            if (!w.IsCompleted)
            {
                writes.Add(w.AsTask());
                break;
            }
        }

        Assert.NotEmpty(writes);
        var clock = Stopwatch.StartNew();
        Task close = abort ? head.AbortAsync() : head.CloseAsync();
        Assert.Same(close, await Task.WhenAny(close, Task.Delay(TimeSpan.FromSeconds(2))));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        await Task.WhenAny(writes[0], Task.Delay(TimeSpan.FromSeconds(2)));
        Assert.True(writes[0].IsCompleted);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Push_DownwardHangup_ReportsWritesAndEndsReads()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("pull", "@" + ep, 3);
        StreamHead head = Open($"zmq:push:>{ep}", _pool);
        await head.WriteAsync("a");
        await head.WriteAsync("b");
        await head.WriteAsync("c");
        await head.CompleteWritesAsync();
        await head.WritesCompleted.WaitAsync(Wait);
        using var cts = new CancellationTokenSource(Wait);
        Assert.Null(await head.ReadAsync(cts.Token));
        Assert.Equal(["a", "b", "c"], await peer.ReadLinesAsync(3, Wait));
        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }
}
