using System.Net.Sockets;
using Streams.Testing;
using Streams.Transports.ZeroMq;
using Streams.Transports.ZeroMq.Devices;
using static Streams.Transports.Tests.ZeroMq.ZeroMqTestSupport;

namespace Streams.Transports.Tests.ZeroMq;

/// <summary>The ZMTP relay that serves streamers and forwarders binding TCP (<see cref="ZeroMqDeviceOptions.DirectTcp"/>),
/// with libzmq peers (pyzmq), raw TCP peers that break the protocol, and NetMQ peers.</summary>
public class ZmtpRelayTests
{
    private static ZeroMqDevice Start(ZeroMqDeviceKind kind, out string front, out string back, int highWatermark = 1000)
    {
        front = PyZmqPeer.FreeEndpoint();
        back = PyZmqPeer.FreeEndpoint();
        var device = new ZeroMqDevice(new ZeroMqDeviceOptions { Kind = kind, Frontend = front, Backend = back, HighWatermark = highWatermark });
        device.Start();
        return device;
    }

    [Fact]
    public async Task Streamer_ThreeProducersTwoConsumers_NoneLostEachSenderInOrder()
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Streamer, out string front, out string back);
        using PyZmqPeer pullA = await PyZmqPeer.StartAsync("pull", ">" + back, 3000);
        using PyZmqPeer pullB = await PyZmqPeer.StartAsync("pull", ">" + back, 3000);
        var pushes = new List<PyZmqPeer>();
        try
        {
            foreach (string tag in new[] { "a", "b", "c" })
            {
                pushes.Add(await PyZmqPeer.StartAsync("push", ">" + front, 2000, tag));
            }

            // Round robin over the two consumers: each gets half of the 6000.
            List<string> a = await pullA.ReadLinesAsync(3000, Wait);
            List<string> b = await pullB.ReadLinesAsync(3000, Wait);
            foreach (string tag in new[] { "a", "b", "c" })
            {
                List<int> fromA = Numbers(a, tag), fromB = Numbers(b, tag);
                Assert.Equal(fromA.Order(), fromA);
                Assert.Equal(fromB.Order(), fromB);
                Assert.Equal(Enumerable.Range(0, 2000), fromA.Concat(fromB).Order());
            }

            Assert.Equal(6000, device.Statistics.FrontendMessagesIn);
            Assert.Equal(6000, device.Statistics.BackendMessagesOut);
            Assert.Equal(0, device.RejectedConnections);
        }
        finally
        {
            pushes.ForEach(p => p.Dispose());
        }

        static List<int> Numbers(List<string> lines, string tag) =>
            lines.Where(l => l.StartsWith(tag + "-", StringComparison.Ordinal)).Select(l => int.Parse(l[(tag.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    [Fact]
    public async Task Streamer_MultipartAndLongFrames_ArriveWhole()
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Streamer, out string front, out string back);
        using PyZmqPeer pull = await PyZmqPeer.StartAsync("pullparts", ">" + back, 600);
        using PyZmqPeer push = await PyZmqPeer.StartAsync("pushparts", ">" + front, 600, "T");
        List<string> got = await pull.ReadLinesAsync(600, Wait);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => $"T|{i}|{1000 * (i % 300)}"), got);
        long bytes = Enumerable.Range(0, 600).Sum(i => 1L + i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + (1000 * (i % 300)));
        Assert.Equal(bytes, device.Statistics.BackendBytesOut);
    }

    [Fact]
    public async Task Streamer_BadPeers_RefusedWithoutHurtingTheOthers()
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Streamer, out string front, out string back);
        var uri = new Uri(front.Replace("tcp://", "http://", StringComparison.Ordinal));

        // Not ZMTP at all; a greeting cut short that never ends; a socket type a PULL does not talk to.
        using var garbage = new TcpClient();
        await garbage.ConnectAsync(uri.Host, uri.Port);
        await garbage.GetStream().WriteAsync(new byte[100].Select((_, i) => (byte)('A' + (i % 26))).ToArray());
        using var half = new TcpClient();
        await half.ConnectAsync(uri.Host, uri.Port);
        await half.GetStream().WriteAsync(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F });
        using PyZmqPeer wrongType = await PyZmqPeer.StartAsync("pub", ">" + front, 10);

        // The relay greets every connection, then closes the one that is not ZMTP.
        Assert.True(await EndsAsync(garbage).WaitAsync(Wait));
        using PyZmqPeer pull = await PyZmqPeer.StartAsync("pull", ">" + back, 100);
        using PyZmqPeer push = await PyZmqPeer.StartAsync("push", ">" + front, 100);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"msg-{i}"), await pull.ReadLinesAsync(100, Wait));

        // The garbage for certain; the PUB either refused by the relay or leaving by itself (libzmq checks too).
        Assert.True(device.RejectedConnections >= 1, $"{device.RejectedConnections} refused");
    }

    [Fact]
    public async Task Streamer_ConsumerStalls_ProducerIsHeldBackNotDropped()
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Streamer, out string front, out string back, highWatermark: 100);
        using PyZmqPeer stall = await PyZmqPeer.StartAsync("stall", ">" + back, 0);
        using PyZmqPeer push = await PyZmqPeer.StartAsync("push100", ">" + front, 200_000);
        long held = await SettledAsync(() => device.Statistics.FrontendMessagesIn);
        Assert.InRange(held, 1, 199_999);

        // A consumer that reads: the rest moves (round robin skips the stalled one while it is full; as TCP gives
        // the stalled connection more room, some still go there, so the count the reader gets is not fixed).
        using PyZmqPeer pull = await PyZmqPeer.StartAsync("pull", ">" + back, 200_000);
        Assert.Equal(200_000, await SettledAsync(() => device.Statistics.FrontendMessagesIn, atLeast: 200_000));
        Assert.Single(await pull.ReadLinesAsync(1, Wait));
    }

    [Fact]
    public async Task Streamer_FeederLeavesBeforeAnyWorkerCame_ItsMessagesAreStillDelivered()
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Streamer, out string front, out string back);
        using (PyZmqPeer push = await PyZmqPeer.StartAsync("push", ">" + front, 500))
        {
            Assert.Equal("DONE", await push.ReadLineAsync(Wait));
            await push.WaitForExitAsync(Wait);
        }

        using PyZmqPeer pull = await PyZmqPeer.StartAsync("pull", ">" + back, 500);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"msg-{i}"), await pull.ReadLinesAsync(500, Wait));
    }

    [Fact]
    public async Task Streamer_BackendConnects_ReconnectsToARestartedWorker()
    {
        string front = PyZmqPeer.FreeEndpoint(), back = PyZmqPeer.FreeEndpoint();
        await using var device = new ZeroMqDevice(new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Streamer, Frontend = front, Backend = ">" + back });
        device.Start();
        Assert.Equal("zmtp", device.Engine);
        Assert.Equal(back, device.BackendEndpoint);
        using (PyZmqPeer first = await PyZmqPeer.StartAsync("pull", "@" + back, 100))
        using (PyZmqPeer push = await PyZmqPeer.StartAsync("push", ">" + front, 100, "a"))
        {
            Assert.Equal(Enumerable.Range(0, 100).Select(i => $"a-{i}"), await first.ReadLinesAsync(100, Wait));
        }

        // The worker is gone; a new one binds the same address; the device dials it again and what was sent
        // meanwhile waits for it.
        using PyZmqPeer later = await PyZmqPeer.StartAsync("push", ">" + front, 100, "b");
        using PyZmqPeer second = await PyZmqPeer.StartAsync("pull", "@" + back, 100);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"b-{i}"), await second.ReadLinesAsync(100, Wait));
    }

    [Fact]
    public async Task Forwarder_TwoTopics_EachSubscriberGetsItsOwnAndALatePublisherLearnsBoth()
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Forwarder, out string front, out string back);
        using PyZmqPeer subA = await PyZmqPeer.StartAsync("sub", ">" + back, 50, "A");
        using PyZmqPeer subB = await PyZmqPeer.StartAsync("sub", ">" + back, 50, "B");
        await SettledAsync(() => device.Statistics.BackendMessagesIn, atLeast: 2);
        using PyZmqPeer pub = await PyZmqPeer.StartAsync("pubtopics", ">" + front, 50, "A,B");
        Assert.Equal(["SUB A", "SUB B"], (await pub.ReadLinesAsync(2, Wait)).Order());
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"A|{i}"), await subA.ReadLinesAsync(50, Wait));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"B|{i}"), await subB.ReadLinesAsync(50, Wait));
        Assert.Equal(100, device.Statistics.FrontendMessagesIn);
    }

    [Fact]
    public async Task Capture_PubSubscriberOfAForwarder_GetsItsOwnTopicOnly()
    {
        string front = PyZmqPeer.FreeEndpoint(), back = PyZmqPeer.FreeEndpoint(), capture = PyZmqPeer.FreeEndpoint();
        await using var device = new ZeroMqDevice(new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Forwarder, Frontend = front, Backend = back, Capture = capture });
        device.Start();
        Assert.Equal("zmtp", device.Engine);

        // The tap's subscription stays with the capture socket: it goes neither upstream nor to the other subscribers.
        using PyZmqPeer tap = await PyZmqPeer.StartAsync("sub", ">" + capture, 50, "A");
        await Task.Delay(1000); // a PUB capture socket: let the tap's subscription arrive
        using PyZmqPeer subA = await PyZmqPeer.StartAsync("sub", ">" + back, 50, "A");
        using PyZmqPeer subB = await PyZmqPeer.StartAsync("sub", ">" + back, 50, "B");
        await SettledAsync(() => device.Statistics.BackendMessagesIn, atLeast: 2);
        using PyZmqPeer pub = await PyZmqPeer.StartAsync("pubtopics", ">" + front, 50, "A,B");
        Assert.Equal(["SUB A", "SUB B"], (await pub.ReadLinesAsync(2, Wait)).Order());
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"B|{i}"), await subB.ReadLinesAsync(50, Wait));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"A|{i}"), await tap.ReadLinesAsync(50, Wait));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"A|{i}"), await subA.ReadLinesAsync(50, Wait));
    }

    [Fact]
    public async Task Capture_PushSocketWithNoPeer_DropsAndCountsWithoutHoldingTheDeviceBack()
    {
        string front = PyZmqPeer.FreeEndpoint(), back = PyZmqPeer.FreeEndpoint(), capture = PyZmqPeer.FreeEndpoint();
        await using var device = new ZeroMqDevice(new ZeroMqDeviceOptions
        {
            Kind = ZeroMqDeviceKind.Streamer,
            Frontend = front,
            Backend = back,
            Capture = capture,
            CaptureType = ZeroMqSocketType.Push,
        });
        device.Start();
        Assert.Equal("zmtp", device.Engine);
        using PyZmqPeer pull = await PyZmqPeer.StartAsync("pull", ">" + back, 200);
        using PyZmqPeer push = await PyZmqPeer.StartAsync("push", ">" + front, 200);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"msg-{i}"), await pull.ReadLinesAsync(200, Wait));
        await SettledAsync(() => device.CaptureDropped, atLeast: 200);
        Assert.Equal(200, device.CaptureDropped);
    }

    [Fact]
    public async Task Forwarder_SubscriberLeaves_UnsubscriptionTravelsUpstream()
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Forwarder, out string front, out string back);
        using PyZmqPeer pub = await PyZmqPeer.StartAsync("xpub", ">" + front, 2);
        using (PyZmqPeer sub = await PyZmqPeer.StartAsync("sub", ">" + back, 1, "news"))
        {
            Assert.Equal("SUB news", await pub.ReadLineAsync(Wait));
        }

        Assert.Equal("UNSUB news", await pub.ReadLineAsync(Wait));
        Assert.Equal(2, device.Statistics.BackendMessagesIn);
        Assert.Equal(2, device.Statistics.FrontendMessagesOut);
    }

    [Fact]
    public async Task Forwarder_RepeatedSubscription_IsOneAndOneCancelEndsIt()
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Forwarder, out string front, out string back);
        using PyZmqPeer pub = await PyZmqPeer.StartAsync("xpub", ">" + front, 2);
        using PyZmqPeer sub = await PyZmqPeer.StartAsync("xsubsend", ">" + back, 5000, "+A,+A,-A");

        // XPUB keeps a set per subscriber: the second +A changes nothing, the one -A ends it.
        Assert.Equal(["SUB A", "UNSUB A"], await pub.ReadLinesAsync(2, Wait));
    }

    [Fact]
    public async Task Queue_TwoClientsTwoWorkers_EveryReplyReachesItsClient()
    {
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Queue, out string front, out string back);
        Assert.Equal("zmtp", device.Engine);
        using PyZmqPeer repA = await PyZmqPeer.StartAsync("rep", ">" + back, 1000);
        using PyZmqPeer repB = await PyZmqPeer.StartAsync("rep", ">" + back, 1000);
        using PyZmqPeer reqA = await PyZmqPeer.StartAsync("req", ">" + front, 30);
        using PyZmqPeer reqB = await PyZmqPeer.StartAsync("req", ">" + front, 30);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"REQ-{i}"), await reqA.ReadLinesAsync(30, Wait));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"REQ-{i}"), await reqB.ReadLinesAsync(30, Wait));
        ZeroMqDeviceStatistics s = device.Statistics;
        Assert.Equal((60L, 60L, 60L, 60L), (s.FrontendMessagesIn, s.BackendMessagesOut, s.BackendMessagesIn, s.FrontendMessagesOut));
    }

    [Fact]
    public async Task Forwarder_NetMqPeers_PublishAndSubscribeThroughTheRelay()
    {
        var pool = new MessagePool();
        await using ZeroMqDevice device = Start(ZeroMqDeviceKind.Forwarder, out string front, out string back);
        StreamHead sub = Open($"zmq:sub:>{back}?subscribe=t", pool);
        StreamHead pub = Open($"zmq:pub:>{front}", pool);
        await SettledAsync(() => device.Statistics.FrontendMessagesOut, atLeast: 1);

        // PUB sends only what was subscribed when the subscription has reached it, so publish until one arrives.
        using var cts = new CancellationTokenSource(Wait);
        Task<string> first = ReadTextAsync(sub);
        while (!first.IsCompleted)
        {
            await pub.WriteAsync("t-early", cts.Token);
            await pub.WriteAsync("x-never", cts.Token);
            await Task.WhenAny(first, Task.Delay(50, cts.Token));
        }

        Assert.Equal("t-early", await first);
        await CloseAsync(pub);
        await sub.AbortAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task DirectTcp_False_KeepsNetMqSockets_AndIpcEndpointsDoToo()
    {
        foreach (ZeroMqDeviceOptions options in new[]
        {
            new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Streamer, Frontend = PyZmqPeer.FreeEndpoint(), Backend = PyZmqPeer.FreeEndpoint(), DirectTcp = false },
            new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Streamer, Frontend = PyZmqPeer.FreeEndpoint(), Backend = $"ipc:///tmp/streams-relay-{Guid.NewGuid():N}" },
        })
        {
            var device = new ZeroMqDevice(options);
            device.Start();
            try
            {
                Assert.Equal("netmq", device.Engine);
            }
            finally
            {
                await device.StopAsync().WaitAsync(Wait);
            }
        }

        var direct = new ZeroMqDevice(new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Forwarder, Frontend = PyZmqPeer.FreeEndpoint(), Backend = "tcp://127.0.0.1:*" });
        direct.Start();
        try
        {
            Assert.Equal("zmtp", direct.Engine);
            Assert.Matches(@"^tcp://127\.0\.0\.1:\d+$", direct.BackendEndpoint);
            Assert.DoesNotContain(":0", direct.BackendEndpoint, StringComparison.Ordinal);
        }
        finally
        {
            await direct.StopAsync().WaitAsync(Wait);
        }
    }

    // Reads until the other end closes the connection (an end of stream or a reset).
    private static async Task<bool> EndsAsync(TcpClient client)
    {
        var buffer = new byte[256];
        try
        {
            while (await client.GetStream().ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset: closed too.
        }

        return true;
    }

    // Polls a counter until it stops changing for 300 ms (and is at least atLeast); bounded by Wait.
    // The counter once it has stayed the same for 300 ms and is at least `atLeast`. Bounded by progress, not speed:
    // it fails when the counter has not moved for Wait (or after two minutes in all), so a loaded machine only
    // makes it slower (a fixed 10 s for 200 000 messages through Python peers failed under load).
    private static async Task<long> SettledAsync(Func<long> counter, long atLeast = 1)
    {
        using var all = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        long last = -1;
        var still = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            long now = counter();
            if (now == last && now >= atLeast)
            {
                return now;
            }

            if (now != last)
            {
                still.Restart();
            }
            else if (still.Elapsed > Wait)
            {
                throw new TimeoutException($"the counter stayed at {now} for {Wait} (waiting for at least {atLeast})");
            }

            last = now;
            await Task.Delay(300, all.Token);
        }
    }
}
