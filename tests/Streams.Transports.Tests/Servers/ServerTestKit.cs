using System.Net;
using System.Net.Sockets;
using System.Text;
using Streams.Components;
using Streams.Modules;
using Streams.Transports.Servers;

namespace Streams.Transports.Tests.Servers;

/// <summary>Helpers shared by the server tests: a registry with the stock modules, an echo handler, a line
/// client over a plain socket, and bounded waits.</summary>
internal static class ServerTestKit
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static ComponentRegistry Registry { get; } = new ComponentRegistry().AddStreamModules();

    /// <summary>Writes back every message that comes up, until the far end finishes.</summary>
    public static async Task EchoAsync(StreamHead stream, CancellationToken cancellationToken)
    {
        await foreach (Message m in stream.ReadAllAsync(cancellationToken))
        {
            await stream.WriteAsync(m, cancellationToken);
        }
    }

    public static StreamServerOptions EchoOptions(string address, params string[] modules) => new()
    {
        Address = address,
        Handler = EchoAsync,
        ModuleLines = modules,
        Components = Registry,
    };

    public static IPEndPoint EndPoint(StreamServer server)
    {
        StreamAddress a = StreamAddress.Parse(server.Address);
        return new IPEndPoint(IPAddress.Parse(a.Host!), a.Port);
    }

    public static async Task<Socket> ConnectAsync(StreamServer server, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(EndPoint(server), cancellationToken);
        return socket;
    }

    /// <summary>Sends <paramref name="payload"/>, half-closes, and reads until the server finishes.</summary>
    public static async Task<string> ExchangeAsync(Socket socket, string payload, CancellationToken cancellationToken = default)
    {
        await SendAllAsync(socket, Encoding.ASCII.GetBytes(payload), cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        return await ReadToEndAsync(socket, cancellationToken);
    }

    public static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        while (!data.IsEmpty)
        {
            int n = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[n..];
        }
    }

    public static async Task<string> ReadToEndAsync(Socket socket, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return text.ToString();
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; fails the test after
    /// <see cref="Bound"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(Bound);
        while (!condition())
        {
            if (cts.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(10);
        }
    }

    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "streams-srv-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
