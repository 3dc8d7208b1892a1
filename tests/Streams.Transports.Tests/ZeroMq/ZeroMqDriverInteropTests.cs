using System.Text;
using Streams.Testing;
using Streams.Transports.ZeroMq;
using static Streams.Transports.Tests.ZeroMq.ZeroMqTestSupport;

namespace Streams.Transports.Tests.ZeroMq;

/// <summary>The zmq: driver against libzmq peers (pyzmq), each socket type both ways.</summary>
public class ZeroMqDriverInteropTests
{
    private readonly MessagePool _pool = new();

    [Fact]
    public async Task Push_ToLibzmqPull_DeliversAllInOrder()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("pull", "@" + ep, 500);
        StreamHead head = Open($"zmq:push:>{ep}", _pool);
        for (int i = 0; i < 500; i++)
        {
            await head.WriteAsync($"msg-{i}");
        }

        List<string> got = await peer.ReadLinesAsync(500, Wait);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"msg-{i}"), got);
        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Pull_FromLibzmqPush_ReceivesAllInOrder()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        StreamHead head = Open($"zmq:pull:@{ep}", _pool);
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("push", ">" + ep, 1000);
        for (int i = 0; i < 1000; i++)
        {
            Message m = await ReadAsync(head);
            Assert.Equal(MessageKind.Data, m.Kind);
            Assert.Equal($"msg-{i}", m.ToText());
            m.Release();
        }

        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Pub_ToLibzmqSub_DeliversSubscribedTopicInOrder()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        StreamHead head = Open($"zmq:pub:@{ep}", _pool);
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("sub", ">" + ep, 50, "A");
        var reader = Task.Run(() => peer.ReadLinesAsync(50, Wait));
        int i = 0;
        while (!reader.IsCompleted && i < 20000)
        {
            // Topic and body as two frames: a Proto message whose envelope is the topic.
            await head.WriteAsync(Proto(_pool, $"{i}", "A"));
            await head.WriteAsync(Proto(_pool, $"{i}", "B"));
            i++;
            await Task.Delay(1);
        }

        List<string> got = await reader;
        Assert.All(got, l => Assert.StartsWith("A|", l, StringComparison.Ordinal));
        int first = int.Parse(got[0][2..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(first, 50).Select(n => $"A|{n}"), got);
        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Sub_FromLibzmqPub_ReceivesEnvelopeAndBodyInOrder()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("pub", "@" + ep, 5000, "A");
        StreamHead head = Open($"zmq:sub:>{ep}?subscribe=A", _pool);
        int previous = -1;
        for (int n = 0; n < 30; n++)
        {
            Message m = await ReadAsync(head);
            Assert.Equal(MessageKind.Proto, m.Kind);
            var envelope = Assert.IsType<ZeroMqEnvelope>(m.Protocol);
            Assert.Equal("A", envelope.GetText(0));
            int value = int.Parse(m.ToText(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(previous < 0 || value == previous + 1, $"{value} after {previous}");
            previous = value;
            m.Release();
        }

        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Req_ToLibzmqRep_GetsEachReply()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("rep", "@" + ep, 20);
        StreamHead head = Open($"zmq:req:>{ep}", _pool);
        for (int i = 0; i < 20; i++)
        {
            await head.WriteAsync($"hello-{i}");
            Assert.Equal($"HELLO-{i}", await ReadTextAsync(head));
        }

        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Rep_FromLibzmqReq_AnswersEachRequest()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        StreamHead head = Open($"zmq:rep:@{ep}", _pool);
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("req", ">" + ep, 20);
        for (int i = 0; i < 20; i++)
        {
            string request = await ReadTextAsync(head);
            Assert.Equal($"req-{i}", request);
            await head.WriteAsync(request.ToUpperInvariant());
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"REQ-{i}"), await peer.ReadLinesAsync(20, Wait));
        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Dealer_ToLibzmqRouter_EnvelopeRoundTrips()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("router", "@" + ep, 10);
        StreamHead head = Open($"zmq:dealer:>{ep}?identity=me", _pool);
        for (int i = 0; i < 10; i++)
        {
            await head.WriteAsync(Proto(_pool, $"job-{i}", string.Empty));
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"|job-{i}"), await peer.ReadLinesAsync(10, Wait));
        for (int i = 0; i < 10; i++)
        {
            Message m = await ReadAsync(head);
            Assert.Equal(MessageKind.Proto, m.Kind);
            var envelope = Assert.IsType<ZeroMqEnvelope>(m.Protocol);
            Assert.Equal(1, envelope.Count);
            Assert.Equal(0, envelope[0].Length);
            Assert.Equal($"JOB-{i}", m.ToText());
            m.Release();
        }

        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Router_FromLibzmqDealer_RepliesThroughIdentity()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        StreamHead head = Open($"zmq:router:@{ep}", _pool);
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("dealer", ">" + ep, 10, "D1");
        for (int i = 0; i < 10; i++)
        {
            Message request = await ReadAsync(head);
            var envelope = Assert.IsType<ZeroMqEnvelope>(request.Protocol);
            Assert.Equal("D1", envelope.GetText(0));
            Assert.Equal(2, envelope.Count);
            Assert.Equal($"job-{i}", request.ToText());

            // The reply keeps the request's envelope: the router sends it back to D1.
            await head.WriteAsync(_pool.Proto(Encoding.UTF8.GetBytes(request.ToText().ToUpperInvariant()), request.Protocol));
            request.Release();
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"|JOB-{i}"), await peer.ReadLinesAsync(10, Wait));
        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Pair_WithLibzmqPair_BothDirections()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("pair", "@" + ep, 50);
        StreamHead head = Open($"zmq:pair:>{ep}", _pool);
        for (int i = 0; i < 50; i++)
        {
            await head.WriteAsync($"p-{i}");
        }

        for (int i = 0; i < 50; i++)
        {
            Assert.Equal($"P-{i}", await ReadTextAsync(head));
        }

        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task XPub_LibzmqSubscriber_SubscriptionArrivesAndTopicIsDelivered()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        StreamHead head = Open($"zmq:xpub:@{ep}", _pool);
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("sub", ">" + ep, 5, "T");
        Message subscription = await ReadAsync(head);
        Assert.Equal("\u0001T", subscription.ToText());
        subscription.Release();
        for (int i = 0; i < 5; i++)
        {
            await head.WriteAsync(Proto(_pool, $"{i}", "T"));
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"T|{i}"), await peer.ReadLinesAsync(5, Wait));
        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task XSub_LibzmqPublisher_SubscribesByWritingAndReceives()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        StreamHead head = Open($"zmq:xsub:@{ep}", _pool);
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("pubwait", ">" + ep, 5, "T");

        // An XSUB subscribes by sending 0x01 + topic.
        await head.WriteAsync("\u0001T");
        Assert.Equal("SUBSCRIBED T", await peer.ReadLineAsync(Wait));
        for (int i = 0; i < 5; i++)
        {
            Message m = await ReadAsync(head);
            Assert.Equal("T", Assert.IsType<ZeroMqEnvelope>(m.Protocol).GetText(0));
            Assert.Equal($"{i}", m.ToText());
            m.Release();
        }

        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Open_EndpointInUse_ErrorNamesTheEndpoint()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        StreamHead first = Open($"zmq:pull:@{ep}", _pool);
        try
        {
            var ex = Assert.Throws<IOException>(() => Open($"zmq:pull:@{ep}", _pool));
            Assert.Contains($"cannot bind {ep}", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await first.AbortAsync();
        }
    }

    [Fact]
    public async Task EndpointControl_WildcardPort_AnswersTheRealEndpoint()
    {
        StreamHead head = Open("zmq:pull:@tcp://127.0.0.1:*", _pool);
        string endpoint = Assert.IsType<string>(await head.ControlAsync(ZeroMqTransport.EndpointControl));
        Assert.Matches(@"^tcp://127\.0\.0\.1:\d+$", endpoint);
        Assert.DoesNotContain("*", endpoint, StringComparison.Ordinal);
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("push", ">" + endpoint, 3);
        Assert.Equal("msg-0", await ReadTextAsync(head));
        await CloseAsync(head);
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task SubscribeControl_AtRuntime_StartsDeliveringTheTopic()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        using PyZmqPeer peer = await PyZmqPeer.StartAsync("pub", "@" + ep, 5000, "A");
        StreamHead head = Open($"zmq:sub:>{ep}?subscribe=nothing-yet", _pool);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await head.ReadAsync(cts.Token));
        Assert.Equal("A", await head.ControlAsync(ZeroMqTransport.SubscribeControl, "A"));
        Message m = await ReadAsync(head);
        Assert.Equal("A", Assert.IsType<ZeroMqEnvelope>(m.Protocol).GetText(0));
        m.Release();
        await head.AbortAsync();
        LeakCheck.AssertNoLeaks(_pool);
    }

    [Fact]
    public async Task Pull_Write_FailsTheStream()
    {
        string ep = PyZmqPeer.FreeEndpoint();
        StreamHead head = Open($"zmq:pull:@{ep}", _pool);
        try
        {
            await head.WriteAsync("x");
        }
        catch (StreamException)
        {
            // Either the write or the next read reports it.
        }

        using var cts = new CancellationTokenSource(Wait);
        var ex = await Assert.ThrowsAsync<StreamException>(async () => await head.ReadAsync(cts.Token));
        Assert.Contains("cannot send", ex.ToString(), StringComparison.Ordinal);
        await head.AbortAsync();
        LeakCheck.AssertNoLeaks(_pool);
    }
}
