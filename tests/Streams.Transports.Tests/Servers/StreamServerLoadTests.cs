using System.Net.Sockets;
using System.Text;
using Streams.Transports.Servers;
using static Streams.Transports.Tests.Servers.ServerTestKit;

namespace Streams.Transports.Tests.Servers;

public sealed class StreamServerLoadTests
{
    [Fact]
    public async Task Tcp_ThousandConnectionsThousandLinesEach_NoneLostOrChanged()
    {
        const int Connections = 1000, Lines = 1000;
        var failures = new List<string>();
        var options = new StreamServerOptions
        {
            Address = "tcp:127.0.0.1:0",
            Handler = EchoAsync,
            ModuleLines = ["line"],
            Components = Registry,
            MaxConnections = Connections,
            Backlog = Connections,
        };
        await using StreamServer server = await StreamServer.StartAsync(options);
        server.ConnectionFailed += (_, e) => { lock (failures) failures.Add(e.ToString()); };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(50));

        async Task<string?> ClientAsync(int id)
        {
            var sent = new StringBuilder();
            for (int j = 0; j < Lines; j++)
            {
                sent.Append("client ").Append(id).Append(" line ").Append(j).Append('\n');
            }

            using Socket socket = await ConnectAsync(server, cts.Token);
            string expected = sent.ToString();
            Task<string> reading = ReadToEndAsync(socket, cts.Token);
            await SendAllAsync(socket, Encoding.ASCII.GetBytes(expected), cts.Token);
            socket.Shutdown(SocketShutdown.Send);
            string received = await reading;
            if (received == expected)
            {
                return null;
            }

            int at = 0;
            while (at < Math.Min(received.Length, expected.Length) && received[at] == expected[at])
            {
                at++;
            }

            return $"client {id}: got {received.Length} of {expected.Length} chars, first difference at {at}: '{received[Math.Max(0, at - 20)..Math.Min(received.Length, at + 20)]}'";
        }

        string?[] results = await Task.WhenAll(Enumerable.Range(0, Connections).Select(ClientAsync)).WaitAsync(cts.Token);

        Assert.Empty(results.OfType<string>());
        Assert.Empty(failures);
        await WaitUntilAsync(() => server.Statistics.Completed == Connections, "every connection to complete");
        Assert.Equal(new StreamServerStatistics(Connections, 0, Connections, 0), server.Statistics);
    }
}
