using System.IO.Pipes;
using System.Net;
using System.Net.Sockets;
using Streams.Transports.Memory;

namespace Streams.Transports.Tests.Drivers;

public class TcpDriverContractTests : DriverContractTests
{
    protected override string Scheme => "tcp:";

    protected override Task<(StreamHead Head, FarEnd Far)> ConnectAsync(StreamOptions options) => ConnectTcpAsync(IPAddress.Loopback, "127.0.0.1", options);

    /// <summary>Listens on <paramref name="loopback"/>, opens <c>tcp:HOST:PORT</c> to it, and returns both ends.</summary>
    internal static async Task<(StreamHead Head, FarEnd Far)> ConnectTcpAsync(IPAddress loopback, string host, StreamOptions options)
    {
        using var listener = new Socket(loopback.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(loopback, 0));
        listener.Listen(1);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        Task<Socket> accept = listener.AcceptAsync();
        StreamHead head = await Transport.OpenAsync($"tcp:{host}:{port}", options).WaitAsync(Wait);
        return (head, DriverTestSupport.SocketFar(await accept.WaitAsync(Wait)));
    }
}

public class TcpIPv6DriverContractTests : DriverContractTests
{
    protected override string Scheme => "tcp:[::1]";

    protected override Task<(StreamHead Head, FarEnd Far)> ConnectAsync(StreamOptions options) => TcpDriverContractTests.ConnectTcpAsync(IPAddress.IPv6Loopback, "[::1]", options);
}

public class UnixDriverContractTests : DriverContractTests
{
    protected override string Scheme => "unix:";

    protected override async Task<(StreamHead Head, FarEnd Far)> ConnectAsync(StreamOptions options)
    {
        string path = DriverTestSupport.TempPath("s.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        Task<Socket> accept = listener.AcceptAsync();
        StreamHead head = await Transport.OpenAsync($"unix:{path}", options).WaitAsync(Wait);
        return (head, DriverTestSupport.SocketFar(await accept.WaitAsync(Wait)));
    }
}

public class NamedPipeDriverContractTests : DriverContractTests
{
    protected override string Scheme => "pipe:";

    // The far end listens where .NET's NamedPipeServerStream listens on Unix (a socket, so it can half-close).
    protected override async Task<(StreamHead Head, FarEnd Far)> ConnectAsync(StreamOptions options)
    {
        string name = "streams-test-" + Guid.NewGuid().ToString("N")[..12];
        string path = Sockets.NamedPipeTransport.SocketPath(name);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        try
        {
            Task<Socket> accept = listener.AcceptAsync();
            StreamHead head = await Transport.OpenAsync($"pipe:{name}", options).WaitAsync(Wait);
            return (head, DriverTestSupport.SocketFar(await accept.WaitAsync(Wait)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task NamedPipe_DotNetServer_ExchangesBothWays()
    {
        var pool = new MessagePool();
        string name = "streams-test-" + Guid.NewGuid().ToString("N")[..12];
        await using var server = new NamedPipeServerStream(name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);
        Task wait = server.WaitForConnectionAsync();
        StreamHead head = await Transport.OpenAsync($"pipe:{name}", NewOptions(pool)).WaitAsync(Wait);
        await wait.WaitAsync(Wait);
        await head.WriteAsync("ping");
        await head.CompleteWritesAsync();
        Assert.Equal("ping", await DriverTestSupport.ReadToEndAsync(server).WaitAsync(Wait));
        await server.WriteAsync("pong"u8.ToArray());
        server.Disconnect();
        Assert.Equal("pong", System.Text.Encoding.ASCII.GetString(await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait)));
        await head.CloseAsync().WaitAsync(Wait);
        Testing.LeakCheck.AssertNoLeaks(pool);
    }
}

public class MemDriverContractTests : DriverContractTests
{
    protected override string Scheme => "pipe";

    protected override async Task<(StreamHead Head, FarEnd Far)> ConnectAsync(StreamOptions options)
    {
        string name = "contract-" + Guid.NewGuid().ToString("N")[..12];
        MemoryListener listener = MemoryTransport.Listen(name, options);
        StreamHead head = await Transport.OpenAsync($"mem:{name}", options).WaitAsync(Wait);
        StreamHead server = await listener.AcceptAsync().AsTask().WaitAsync(Wait);
        Stream stream = server.AsStream();
        return (head, new FarEnd(
            stream,
            () => server.CompleteWritesAsync().AsTask(),
            async () =>
            {
                await stream.DisposeAsync();
                await server.CloseAsync(TimeSpan.FromSeconds(2));
                await listener.DisposeAsync();
            }));
    }
}
