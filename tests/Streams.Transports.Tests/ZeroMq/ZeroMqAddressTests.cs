using Streams.Transports.ZeroMq;

namespace Streams.Transports.Tests.ZeroMq;

public class ZeroMqAddressTests
{
    [Fact]
    public void Parse_FullAddress_ReadsTypeEndpointsAndOptions()
    {
        ZeroMqAddress a = ZeroMqAddress.Parse("zmq:sub:>tcp://h:1,@ipc:///tmp/x?subscribe=a&subscribe=b&sndhwm=5&rcvhwm=7&linger=10&closelinger=20&batch=3");
        Assert.Equal(ZeroMqSocketType.Sub, a.SocketType);
        Assert.Equal([new ZeroMqEndpoint("tcp://h:1", false), new ZeroMqEndpoint("ipc:///tmp/x", true)], a.Endpoints);
        Assert.Equal(["a", "b"], a.Subscriptions);
        Assert.Equal(5, a.SendHighWatermark);
        Assert.Equal(7, a.ReceiveHighWatermark);
        Assert.Equal(TimeSpan.FromMilliseconds(10), a.Linger);
        Assert.Equal(TimeSpan.FromMilliseconds(20), a.CloseLinger);
        Assert.Equal(3, a.Batch);
    }

    [Theory]
    [InlineData("zmq:pull:tcp://*:1", true)]
    [InlineData("zmq:push:tcp://h:1", false)]
    [InlineData("zmq:ROUTER:tcp://*:1", true)]
    [InlineData("zmq:dealer:tcp://h:1", false)]
    public void Parse_NoPrefix_UsesNetMqDefaults(string text, bool bind) =>
        Assert.Equal(bind, ZeroMqAddress.Parse(text).Endpoints[0].Bind);

    [Theory]
    [InlineData("zmq:sock:@tcp://*:1", "unknown socket type 'sock'")]
    [InlineData("zmq:push", "socket type is missing")]
    [InlineData("zmq:push:@127.0.0.1:5", "bad endpoint '@127.0.0.1:5'")]
    [InlineData("zmq:push:@udp://x:1", "unknown transport 'udp'")]
    [InlineData("zmq:push:@tcp://x:1?sndhwm=lots", "option 'sndhwm'")]
    [InlineData("zmq:push:@tcp://x:1?colour=red", "unknown option 'colour'")]
    [InlineData("zmq:push:@tcp://x:1?subscribe=a", "option 'subscribe' applies to sub")]
    public void Parse_BadPart_ErrorNamesIt(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ZeroMqAddress.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateDriver_BadAddress_ThrowsBeforeOpening() =>
        Assert.Throws<FormatException>(() => ZeroMqTransport.CreateDriver("zmq:nope:@tcp://*:1"));

    [Fact]
    public void Envelope_PushPop_KeepsFramesImmutable()
    {
        var e = ZeroMqEnvelope.FromText("id", string.Empty);
        ZeroMqEnvelope pushed = e.Push("x"u8);
        Assert.Equal(2, e.Count);
        Assert.Equal(3, pushed.Count);
        Assert.Equal("x", pushed.GetText(0));
        Assert.Equal("id", pushed.Pop().GetText(0));
        Assert.Equal(0, e[1].Length);
    }
}
