using System.Text;
using Streams.Transports.ZeroMq;

namespace Streams.Transports.Tests.ZeroMq;

/// <summary>Opening zmq: streams in tests, with bounded waits.</summary>
internal static class ZeroMqTestSupport
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static StreamHead Open(string address, MessagePool pool, StreamOptions? options = null)
    {
        options ??= new StreamOptions { Pool = pool, CloseTimeout = TimeSpan.FromSeconds(3) };
        return StreamHead.Open(ZeroMqTransport.CreateDriver(address, options), options);
    }

    public static async Task<Message> ReadAsync(StreamHead head)
    {
        using var cts = new CancellationTokenSource(Wait);
        Message? m = await head.ReadAsync(cts.Token);
        Assert.NotNull(m);
        return m!;
    }

    public static async Task<string> ReadTextAsync(StreamHead head)
    {
        Message m = await ReadAsync(head);
        try
        {
            return m.ToText();
        }
        finally
        {
            m.Release();
        }
    }

    public static Message Proto(MessagePool pool, string body, params string[] envelope) =>
        pool.Proto(Encoding.UTF8.GetBytes(body), ZeroMqEnvelope.FromText(envelope));

    public static async Task CloseAsync(StreamHead head)
    {
        Task close = head.CloseAsync(TimeSpan.FromSeconds(2));
        Assert.Same(close, await Task.WhenAny(close, Task.Delay(TimeSpan.FromSeconds(5))));
        await close;
    }
}
