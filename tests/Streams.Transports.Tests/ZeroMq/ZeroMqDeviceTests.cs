using System.Diagnostics;
using Streams.Testing;
using Streams.Transports.ZeroMq;
using Streams.Transports.ZeroMq.Devices;
using static Streams.Transports.Tests.ZeroMq.ZeroMqTestSupport;

namespace Streams.Transports.Tests.ZeroMq;

/// <summary>The devices with libzmq peers (pyzmq) on both sides.</summary>
public class ZeroMqDeviceTests
{
    private static ZeroMqDevice Start(ZeroMqDeviceKind kind, out string front, out string back, string? control = null, Func<StreamModule>? frontModule = null, MessagePool? pool = null, bool direct = true)
    {
        front = PyZmqPeer.FreeEndpoint();
        back = PyZmqPeer.FreeEndpoint();
        var device = new ZeroMqDevice(new ZeroMqDeviceOptions
        {
            Kind = kind,
            Frontend = "@" + front,
            Backend = back,
            Control = control,
            FrontendModule = frontModule,
            Pool = pool ?? MessagePool.Shared,
            DirectTcp = direct,
        });
        device.Start();
        Assert.Equal(direct ? "zmtp" : "netmq", device.Engine);
        return device;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Streamer_LibzmqPushToLibzmqPull_AllInOrderAndCounted(bool direct)
    {
        ZeroMqDevice device = Start(ZeroMqDeviceKind.Streamer, out string front, out string back, direct: direct);
        try
        {
            using PyZmqPeer pull = await PyZmqPeer.StartAsync("pull", ">" + back, 2000);
            using PyZmqPeer push = await PyZmqPeer.StartAsync("push", ">" + front, 2000);
            List<string> got = await pull.ReadLinesAsync(2000, Wait);
            Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"msg-{i}"), got);
            long bytes = got.Sum(l => (long)l.Length);
            ZeroMqDeviceStatistics s = device.Statistics;
            Assert.Equal(new ZeroMqDeviceStatistics(2000, bytes, 0, 0, 0, 0, 2000, bytes), s);
            Assert.Contains(device, ZeroMqDevice.Running);
        }
        finally
        {
            await device.StopAsync();
        }

        Assert.DoesNotContain(device, ZeroMqDevice.Running);
        Assert.True(device.Completion.IsCompletedSuccessfully);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Forwarder_LibzmqPubToLibzmqSub_SubscriptionTravelsUpstream(bool direct)
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Forwarder, out string front, out string back, direct: direct);
        using PyZmqPeer sub = await PyZmqPeer.StartAsync("sub", ">" + back, 100, "A");
        using PyZmqPeer pub = await PyZmqPeer.StartAsync("pubwait", ">" + front, 100, "A");
        Assert.Equal("SUBSCRIBED A", await pub.ReadLineAsync(Wait));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"A|{i}"), await sub.ReadLinesAsync(100, Wait));
        ZeroMqDeviceStatistics s = device.Statistics;
        Assert.Equal(100, s.FrontendMessagesIn);
        Assert.Equal(100, s.BackendMessagesOut);
        Assert.True(s.BackendMessagesIn >= 1, "the subscription crossed the device");
        Assert.Equal(s.BackendMessagesIn, s.FrontendMessagesOut);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Queue_LibzmqReqToLibzmqRep_RepliesReturn(bool direct)
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Queue, out string front, out string back, direct: direct);
        using PyZmqPeer rep = await PyZmqPeer.StartAsync("rep", ">" + back, 20);
        using PyZmqPeer req = await PyZmqPeer.StartAsync("req", ">" + front, 20);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"REQ-{i}"), await req.ReadLinesAsync(20, Wait));
        Assert.Equal(new ZeroMqDeviceStatistics(20, device.Statistics.FrontendBytesIn, 20, device.Statistics.FrontendBytesOut, 20, device.Statistics.BackendBytesIn, 20, device.Statistics.BackendBytesOut), device.Statistics);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Queue_LibzmqDealerEnvelopes_RoutedBackToTheDealer(bool direct)
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Queue, out string front, out string back, direct: direct);
        using PyZmqPeer rep = await PyZmqPeer.StartAsync("rep", ">" + back, 10);
        using PyZmqPeer dealer = await PyZmqPeer.StartAsync("dealer", ">" + front, 10, "D1");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"|JOB-{i}"), await dealer.ReadLinesAsync(10, Wait));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Control_PauseResumeStatisticsTerminate_AsLibzmqSteerableProxy(bool direct)
    {
        string control = PyZmqPeer.FreeEndpoint();
        ZeroMqDevice device = Start(ZeroMqDeviceKind.Streamer, out string front, out string back, "@" + control, direct: direct);
        try
        {
            using PyZmqPeer pull = await PyZmqPeer.StartAsync("pull", ">" + back, 110);
            using (PyZmqPeer push = await PyZmqPeer.StartAsync("push100", ">" + front, 100))
            {
                await pull.ReadLinesAsync(100, Wait);
            }

            Assert.Equal("100 10000 0 0 0 0 100 10000", await ControlAsync(control, "STATISTICS"));
            Assert.Equal(string.Empty, await ControlAsync(control, "PAUSE"));
            Assert.True(device.IsPaused);
            using PyZmqPeer more = await PyZmqPeer.StartAsync("push", ">" + front, 10);
            await Assert.ThrowsAsync<TimeoutException>(() => pull.ReadLineAsync(TimeSpan.FromMilliseconds(500)));
            Assert.Equal(string.Empty, await ControlAsync(control, "RESUME"));
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"msg-{i}"), await pull.ReadLinesAsync(10, Wait));
            Assert.Equal("ERROR unknown command", await ControlAsync(control, "DANCE"));
            Assert.Equal(string.Empty, await ControlAsync(control, "TERMINATE"));
            await device.Completion.WaitAsync(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await device.StopAsync();
        }
    }

    [Fact]
    public async Task Pause_FromCSharp_HoldsMessagesUntilResume()
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Streamer, out string front, out string back);
        device.Pause();
        using PyZmqPeer pull = await PyZmqPeer.StartAsync("pull", ">" + back, 10);
        using PyZmqPeer push = await PyZmqPeer.StartAsync("push", ">" + front, 10);
        await Assert.ThrowsAsync<TimeoutException>(() => pull.ReadLineAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(0, device.Statistics.FrontendMessagesIn);
        device.Resume();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"msg-{i}"), await pull.ReadLinesAsync(10, Wait));
    }

    [Fact]
    public async Task Stop_ConnectedPeersAndPendingMessages_WithinTwoSeconds()
    {
        ZeroMqDevice device = Start(ZeroMqDeviceKind.Streamer, out string front, out string back);
        using PyZmqPeer stall = await PyZmqPeer.StartAsync("stall", ">" + back, 0);
        using PyZmqPeer push = await PyZmqPeer.StartAsync("push100", ">" + front, 200000);
        await Task.Delay(500);
        Assert.True(device.Statistics.FrontendMessagesIn > 0);
        var clock = Stopwatch.StartNew();
        await device.StopAsync().WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
        Assert.True(device.Completion.IsCompleted);
        Assert.False(device.IsRunning);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Streamer_FrontendModule_TransformsEveryMessage(bool direct)
    {
        var pool = new MessagePool();
        ZeroMqDevice device = Start(ZeroMqDeviceKind.Streamer, out string front, out string back, frontModule: () => new UpperModule(), pool: pool, direct: direct);
        try
        {
            using PyZmqPeer pull = await PyZmqPeer.StartAsync("pull", ">" + back, 500);
            using PyZmqPeer push = await PyZmqPeer.StartAsync("push", ">" + front, 500);
            Assert.Equal(Enumerable.Range(0, 500).Select(i => $"MSG-{i}"), await pull.ReadLinesAsync(500, Wait));
            Assert.Equal(500, device.Statistics.BackendMessagesOut);
        }
        finally
        {
            await device.StopAsync();
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Capture_PubSocket_GetsACopyOfEveryMessage(bool direct)
    {
        string front = PyZmqPeer.FreeEndpoint(), back = PyZmqPeer.FreeEndpoint(), capture = PyZmqPeer.FreeEndpoint();
        var device = new ZeroMqDevice(new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Streamer, Frontend = front, Backend = back, Capture = capture, DirectTcp = direct });
        await ((Microsoft.Extensions.Hosting.IHostedService)device).StartAsync(CancellationToken.None);
        Assert.Equal(direct ? "zmtp" : "netmq", device.Engine);
        Assert.Equal(capture, device.CaptureEndpoint);
        try
        {
            using PyZmqPeer tap = await PyZmqPeer.StartAsync("sub", ">" + capture, 50, string.Empty);
            await Task.Delay(300); // the capture socket is a PUB: let the subscription arrive
            using PyZmqPeer pull = await PyZmqPeer.StartAsync("pull", ">" + back, 50);
            using PyZmqPeer push = await PyZmqPeer.StartAsync("push", ">" + front, 50);
            List<string> expected = Enumerable.Range(0, 50).Select(i => $"msg-{i}").ToList();
            Assert.Equal(expected, await pull.ReadLinesAsync(50, Wait));
            Assert.Equal(expected, await tap.ReadLinesAsync(50, Wait));
            Assert.Equal(0, device.CaptureDropped);
        }
        finally
        {
            await ((Microsoft.Extensions.Hosting.IHostedService)device).StopAsync(CancellationToken.None);
        }

        Assert.False(device.IsRunning);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Capture_PushSocketOfAQueue_GetsRequestsAndRepliesWithTheClientsRoutingId(bool direct)
    {
        string front = PyZmqPeer.FreeEndpoint(), back = PyZmqPeer.FreeEndpoint(), capture = PyZmqPeer.FreeEndpoint();
        var device = new ZeroMqDevice(new ZeroMqDeviceOptions
        {
            Kind = ZeroMqDeviceKind.Queue,
            Frontend = front,
            Backend = back,
            Capture = capture,
            CaptureType = ZeroMqSocketType.Push,
            DirectTcp = direct,
        });
        device.Start();
        Assert.Equal(direct ? "zmtp" : "netmq", device.Engine);
        try
        {
            // A PUSH capture socket holds its copies until the tap is there: nothing is dropped.
            using PyZmqPeer tap = await PyZmqPeer.StartAsync("pull", ">" + capture, 20);
            using PyZmqPeer rep = await PyZmqPeer.StartAsync("rep", ">" + back, 10);
            using PyZmqPeer req = await PyZmqPeer.StartAsync("req", ">" + front, 10);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"REQ-{i}"), await req.ReadLinesAsync(10, Wait));

            // Each copy as the ROUTER or the DEALER received it: the client's routing id, the empty delimiter, the body.
            List<string[]> copies = [.. (await tap.ReadLinesAsync(20, Wait)).Select(l => l.Split('|'))];
            Assert.All(copies, c => Assert.Equal(3, c.Length));
            Assert.Single(copies.Select(c => c[0]).Distinct());
            Assert.All(copies, c => Assert.Equal(string.Empty, c[1]));
            Assert.Equal(
                Enumerable.Range(0, 10).SelectMany(i => new[] { $"req-{i}", $"REQ-{i}" }).Order(StringComparer.Ordinal),
                copies.Select(c => c[2]).Order(StringComparer.Ordinal));
            Assert.Equal(0, device.CaptureDropped);
        }
        finally
        {
            await device.StopAsync();
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Queue_ModulesOnBothLegs_EnvelopesSurviveTheSlowPath(bool direct)
    {
        var pool = new MessagePool();
        string front = PyZmqPeer.FreeEndpoint(), back = PyZmqPeer.FreeEndpoint();
        var device = new ZeroMqDevice(new ZeroMqDeviceOptions
        {
            Kind = ZeroMqDeviceKind.Queue,
            Frontend = front,
            Backend = back,
            FrontendModule = () => new PassModule(),
            BackendModule = () => new PassModule(),
            Pool = pool,
            DirectTcp = direct,
        });
        device.Start();
        Assert.Equal(direct ? "zmtp" : "netmq", device.Engine);
        try
        {
            using PyZmqPeer rep = await PyZmqPeer.StartAsync("rep", ">" + back, 20);
            using PyZmqPeer req = await PyZmqPeer.StartAsync("req", ">" + front, 20);
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"REQ-{i}"), await req.ReadLinesAsync(20, Wait));
            Assert.Equal(20, device.Statistics.FrontendMessagesOut);
        }
        finally
        {
            await device.StopAsync();
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task RunAsync_StreamsOnBothSides_DeliversAndStopsOnCancel()
    {
        var pool = new MessagePool();
        string front = PyZmqPeer.FreeEndpoint(), back = PyZmqPeer.FreeEndpoint();
        var device = new ZeroMqDevice(new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Streamer, Frontend = front, Backend = back, Name = "run-test" });
        using var cts = new CancellationTokenSource();
        Task run = device.RunAsync(cts.Token);
        StreamHead push = Open($"zmq:push:>{front}", pool);
        StreamHead pull = Open($"zmq:pull:>{back}", pool);
        for (int i = 0; i < 1000; i++)
        {
            await push.WriteAsync($"m{i}");
        }

        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal($"m{i}", await ReadTextAsync(pull));
        }

        Assert.Contains(ZeroMqDevice.Running, d => d.Name == "run-test" && d.Statistics.BackendMessagesOut == 1000);
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.False(device.IsRunning);
        await CloseAsync(push);
        await pull.AbortAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Start_EndpointInUse_ErrorNamesTheEndpoint()
    {
        string taken = PyZmqPeer.FreeEndpoint();
        var first = new ZeroMqDevice(new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Streamer, Frontend = taken, Backend = PyZmqPeer.FreeEndpoint() });
        first.Start();
        try
        {
            var second = new ZeroMqDevice(new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Streamer, Frontend = taken, Backend = PyZmqPeer.FreeEndpoint() });
            var ex = Assert.Throws<IOException>(second.Start);
            Assert.Contains("cannot bind " + taken, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(second, ZeroMqDevice.Running);
        }
        finally
        {
            await first.StopAsync();
        }
    }

    private static async Task<string> ControlAsync(string endpoint, string command)
    {
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("control", ">" + endpoint, 1, command);
        return await peer.ReadLineAsync(Wait);
    }

    private sealed class PassModule : StreamModule
    {
        public PassModule()
            : base("pass")
        {
        }
    }

    private sealed class UpperModule : StreamModule
    {
        public UpperModule()
            : base("upper")
        {
        }

        protected override void OnRead(StreamQueue queue, Message message)
        {
            Span<byte> span = message.WritableSpan;
            for (int i = 0; i < span.Length; i++)
            {
                if (span[i] is >= (byte)'a' and <= (byte)'z')
                {
                    span[i] -= 32;
                }
            }

            queue.PutNext(message);
        }
    }
}
