using System.IO.Pipes;
using System.Net.Sockets;
using System.Text;
using Streams.Transports.Servers;
using static Streams.Transports.Tests.Servers.ServerTestKit;

namespace Streams.Transports.Tests.Servers;

public sealed class StreamServerTests
{
    [Fact]
    public async Task Tcp_PortZero_ReportsTheBoundPort()
    {
        await using StreamServer server = await StreamServer.StartAsync(EchoOptions("tcp:127.0.0.1:0", "line"));

        Assert.StartsWith("tcp:127.0.0.1:", server.Address, StringComparison.Ordinal);
        Assert.NotEqual(0, EndPoint(server).Port);
        using Socket socket = await ConnectAsync(server);
        Assert.Equal("a\nb\n", await ExchangeAsync(socket, "a\nb\n").WaitAsync(Bound));
    }

    [Fact]
    public async Task Tcp_BadClientsAmongGoodOnes_GoodTrafficUnaffectedAndServerKeepsServing()
    {
        var failures = new List<StreamConnectionFailedEventArgs>();
        await using StreamServer server = await StreamServer.StartAsync(EchoOptions("tcp:127.0.0.1:0", "line --max 1K"));
        server.ConnectionFailed += (_, e) => { lock (failures) failures.Add(e); };
        using var cts = new CancellationTokenSource(Bound);
        const int Good = 20, Oversize = 5, Garbage = 5, Resets = 5;

        async Task<bool> GoodAsync(int id)
        {
            string payload = string.Concat(Enumerable.Range(0, 300).Select(j => $"good {id} {j}\n"));
            using Socket s = await ConnectAsync(server, cts.Token);
            return await ExchangeAsync(s, payload, cts.Token) == payload;
        }

        async Task OversizeAsync()
        {
            using Socket s = await ConnectAsync(server, cts.Token);
            await SendAllAsync(s, Encoding.ASCII.GetBytes(new string('x', 4096) + "\n"), cts.Token);
            await DrainQuietlyAsync(s, cts.Token);
        }

        async Task GarbageAsync()
        {
            byte[] junk = new byte[8192];
            Random.Shared.NextBytes(junk);
            junk.AsSpan().Replace((byte)10, (byte)0);
            using Socket s = await ConnectAsync(server, cts.Token);
            await SendAllAsync(s, junk, cts.Token);
            await DrainQuietlyAsync(s, cts.Token);
        }

        async Task ResetAsync()
        {
            Socket s = await ConnectAsync(server, cts.Token);
            await SendAllAsync(s, Encoding.ASCII.GetBytes("half a li"), cts.Token);
            s.LingerState = new LingerOption(true, 0);
            s.Close();
        }

        var tasks = new List<Task>();
        Task<bool>[] good = Enumerable.Range(0, Good).Select(GoodAsync).ToArray();
        tasks.AddRange(good);
        tasks.AddRange(Enumerable.Range(0, Oversize).Select(_ => OversizeAsync()));
        tasks.AddRange(Enumerable.Range(0, Garbage).Select(_ => GarbageAsync()));
        tasks.AddRange(Enumerable.Range(0, Resets).Select(_ => ResetAsync()));
        await Task.WhenAll(tasks).WaitAsync(cts.Token);

        Assert.All(good, g => Assert.True(g.Result));
        await WaitUntilAsync(() => server.Statistics.Active == 0 && server.Statistics.Accepted == Good + Oversize + Garbage + Resets, "every connection to end");
        lock (failures)
        {
            Assert.True(failures.Count(f => f.Error is StreamException { Component: "line" }) >= Oversize + Garbage, string.Join("\n", failures));
            Assert.All(failures, f => Assert.StartsWith("tcp:127.0.0.1:", f.Connection, StringComparison.Ordinal));
        }

        StreamServerStatistics stats = server.Statistics;
        Assert.True(stats.Completed >= Good, stats.ToString());
        Assert.Equal(stats.Accepted, stats.Completed + stats.Failed);
        using Socket after = await ConnectAsync(server, cts.Token);
        Assert.Equal("still here\n", await ExchangeAsync(after, "still here\n", cts.Token));
    }

    [Fact]
    public async Task MaxConnections_Two_NeverMoreThanTwoHandlersAtOnce()
    {
        int inside = 0, most = 0, started = 0;
        var release = new SemaphoreSlim(0);
        await using StreamServer server = await StreamServer.StartAsync(new StreamServerOptions
        {
            Address = "tcp:127.0.0.1:0",
            MaxConnections = 2,
            Handler = async (stream, ct) =>
            {
                int now = Interlocked.Increment(ref inside);
                InterlockedMax(ref most, now);
                Interlocked.Increment(ref started);
                await release.WaitAsync(ct);
                Interlocked.Decrement(ref inside);
                await stream.WriteAsync("done", ct);
            },
        });
        using var cts = new CancellationTokenSource(Bound);
        Socket[] clients = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ConnectAsync(server, cts.Token)));
        Task<string>[] reads = clients.Select(c => ReadToEndAsync(c, cts.Token)).ToArray();

        for (int expected = 2; expected <= 5; expected++)
        {
            await WaitUntilAsync(() => Volatile.Read(ref started) >= Math.Min(expected, 5), $"{expected} handlers to start");
            Assert.True(Volatile.Read(ref most) <= 2, $"{most} handlers ran at once");
            Assert.True(server.Statistics.Active <= 2);
            release.Release();
        }

        release.Release(5);
        string[] answers = await Task.WhenAll(reads).WaitAsync(cts.Token);
        Assert.All(answers, a => Assert.Equal("done", a));
        Assert.Equal(2, most);
        foreach (Socket c in clients)
        {
            c.Dispose();
        }
    }

    [Fact]
    public async Task StopAsync_OpenConnectionFinishesWithinDeadline_CompletesAndRefusesNewOnes()
    {
        await using StreamServer server = await StreamServer.StartAsync(EchoOptions("tcp:127.0.0.1:0", "line"));
        using var cts = new CancellationTokenSource(Bound);
        using Socket client = await ConnectAsync(server, cts.Token);
        await WaitUntilAsync(() => server.Statistics.Active == 1, "the connection to be served");

        Task stopping = server.StopAsync(TimeSpan.FromSeconds(20), cts.Token);
        await WaitUntilAsync(() => !CanConnect(server), "the listener to close");
        Assert.False(stopping.IsCompleted);
        Assert.Equal("last words\n", await ExchangeAsync(client, "last words\n", cts.Token));
        await stopping.WaitAsync(cts.Token);

        Assert.True(server.Completion.IsCompletedSuccessfully);

        // The probes that found the listener open were served too.
        StreamServerStatistics stats = server.Statistics;
        Assert.Equal((0, 0), (stats.Active, stats.Failed));
        Assert.Equal(stats.Accepted, stats.Completed);
    }

    [Fact]
    public async Task StopAsync_ConnectionOutlivesDeadline_IsAbortedAndReported()
    {
        var failures = new List<StreamConnectionFailedEventArgs>();
        var handlerCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using StreamServer server = await StreamServer.StartAsync(new StreamServerOptions
        {
            Address = "tcp:127.0.0.1:0",
            Handler = async (stream, ct) =>
            {
                await using CancellationTokenRegistration r = ct.Register(() => handlerCancelled.TrySetResult());
                await Task.Delay(Timeout.Infinite, ct);
            },
        });
        server.ConnectionFailed += (_, e) => { lock (failures) failures.Add(e); };
        using var cts = new CancellationTokenSource(Bound);
        using Socket client = await ConnectAsync(server, cts.Token);
        await WaitUntilAsync(() => server.Statistics.Active == 1, "the connection to be served");

        await server.StopAsync(TimeSpan.FromMilliseconds(100), cts.Token).WaitAsync(cts.Token);

        Assert.True(handlerCancelled.Task.IsCompleted);
        Assert.Equal(string.Empty, await ReadToEndAsync(client, cts.Token).WaitAsync(cts.Token));
        Assert.Equal(1, server.Statistics.Failed);
        Assert.Contains(failures, f => f.Error is TimeoutException);
    }

    [Fact]
    public async Task Unix_EchoesLinesAndRemovesTheSocketAtStop()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "echo.sock");
        StreamServer server = await StreamServer.StartAsync(EchoOptions("unix:" + path, "line"));
        Assert.Equal("unix:" + path, server.Address);
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
            Assert.Equal("one\ntwo\n", await ExchangeAsync(socket, "one\ntwo\n").WaitAsync(Bound));
        }

        await server.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(Bound);
        Assert.False(File.Exists(path));
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task NetcatClient_LinesEchoedThenServerFinishes(string scheme)
    {
        // nc as the client (the interop peers): it sends, shuts down sending at the end of its stdin (-N),
        // and prints what comes back until our server finishes the connection.
        string dir = TempDirectory();
        string path = Path.Combine(dir, "echo.sock");
        await using StreamServer server = await StreamServer.StartAsync(EchoOptions(scheme == "tcp" ? "tcp:127.0.0.1:0" : "unix:" + path, "line"));
        string[] args = scheme == "tcp" ? ["-N", "127.0.0.1", EndPoint(server).Port.ToString(System.Globalization.CultureInfo.InvariantCulture)] : ["-N", "-U", path];
        await using (var nc = Drivers.PeerProcess.Start("nc", args))
        {
            Task<string> echoed = Drivers.DriverTestSupport.ReadToEndAsync(nc.Stdout);
            await nc.Stdin.WriteAsync("one\ntwo\nthree\n"u8.ToArray());
            nc.Stdin.Close();
            Assert.Equal("one\ntwo\nthree\n", await echoed.WaitAsync(Bound));
        }

        Assert.Equal(0, server.Statistics.Failed);
        await server.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(Bound);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Pipe_EchoesToANamedPipeClient()
    {
        string name = "streams-test-" + Guid.NewGuid().ToString("N")[..8];
        await using StreamServer server = await StreamServer.StartAsync(new StreamServerOptions
        {
            Address = "pipe:" + name,
            Handler = async (stream, ct) =>
            {
                Message? m = await stream.ReadAsync(ct);
                Assert.NotNull(m);
                await stream.WriteAsync("got " + m.ToText(), ct);
                m.Release();
            },
        });
        using var cts = new CancellationTokenSource(Bound);
        await using var client = new NamedPipeClientStream(".", name, PipeDirection.InOut, PipeOptions.Asynchronous);
        await client.ConnectAsync(cts.Token);
        await client.WriteAsync(Encoding.ASCII.GetBytes("hello"), cts.Token);
        await client.FlushAsync(cts.Token);
        using var reader = new StreamReader(client);
        Assert.Equal("got hello", await reader.ReadToEndAsync(cts.Token));
    }

    [Fact]
    public async Task HostedService_StartServesStopStops()
    {
        await using var service = new StreamServerHostedService(EchoOptions("tcp:127.0.0.1:0", "line"), TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource(Bound);
        await service.StartAsync(cts.Token);
        using (Socket s = await ConnectAsync(service.Server, cts.Token))
        {
            Assert.Equal("hosted\n", await ExchangeAsync(s, "hosted\n", cts.Token));
        }

        await service.StopAsync(cts.Token).WaitAsync(cts.Token);
        Assert.True(service.Server.Completion.IsCompletedSuccessfully);
        Assert.False(CanConnect(service.Server));
    }

    [Fact]
    public async Task Start_UnixSocketWhereItCannotBe_SaysWhy()
    {
        // .NET reports bind's ENOENT as "Cannot assign requested address"; the message names the missing directory,
        // and a path too long for sun_path is refused before bind with its length.
        string missing = "/tmp/streams-no-such-dir-" + Guid.NewGuid().ToString("N") + "/sock";
        IOException noDirectory = await Assert.ThrowsAsync<IOException>(() => StreamServer.StartAsync(EchoOptions("unix:" + missing)));
        Assert.Equal($"unix:{missing}: cannot listen (No such file or directory: {Path.GetDirectoryName(missing)} does not exist)", noDirectory.Message);
        string longPath = "/tmp/" + new string('x', 120);
        IOException tooLong = await Assert.ThrowsAsync<IOException>(() => StreamServer.StartAsync(EchoOptions("unix:" + longPath)));
        Assert.Equal($"unix:{longPath}: cannot listen (the path is 125 bytes long; a Unix socket's path holds at most 107)", tooLong.Message);
    }

    [Fact]
    public async Task Create_BadAddressOrModule_FailsClearly()
    {
        FormatException file = Assert.Throws<FormatException>(() => StreamServer.Create(EchoOptions("file:/tmp/x")));
        Assert.Contains("cannot listen", file.Message, StringComparison.Ordinal);
        Streams.Components.ComponentArgumentException module = Assert.Throws<Streams.Components.ComponentArgumentException>(() => StreamServer.Create(EchoOptions("tcp:127.0.0.1:0", "nosuchmodule")));
        Assert.Contains("nosuchmodule", module.Message, StringComparison.Ordinal);
        await using StreamServer first = await StreamServer.StartAsync(EchoOptions("tcp:127.0.0.1:0"));
        IOException inUse = await Assert.ThrowsAsync<IOException>(() => StreamServer.StartAsync(EchoOptions(first.Address)));
        Assert.Contains(first.Address, inUse.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveStreams_ListsConnectionsWhileTheyRun()
    {
        var inHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using StreamServer server = await StreamServer.StartAsync(new StreamServerOptions
        {
            Address = "tcp:127.0.0.1:0",
            ModuleLines = ["line"],
            Components = Registry,
            Name = "live-test",
            Handler = async (stream, ct) =>
            {
                inHandler.TrySetResult();
                await release.Task.WaitAsync(ct);
            },
        });
        using Socket client = await ConnectAsync(server);
        await inHandler.Task.WaitAsync(Bound);

        LiveStream live = Assert.Single(LiveStreams.Snapshot(), s => s.Owner == "live-test");
        Assert.Equal(["line"], live.Stream.Modules);
        Assert.Equal(3, live.Stream.GetStack().Count);
        release.SetResult();
        await WaitUntilAsync(() => !LiveStreams.Snapshot().Any(s => s.Owner == "live-test"), "the stream to leave the list");
    }

    private static bool CanConnect(StreamServer server)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            s.Connect(EndPoint(server));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task DrainQuietlyAsync(Socket s, CancellationToken ct)
    {
        try
        {
            await ReadToEndAsync(s, ct);
        }
        catch (SocketException)
        {
            // The server reset us: that is what a failed connection may look like.
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
