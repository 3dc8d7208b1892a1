using System.Net;
using System.Net.Sockets;
using System.Text;
using Streams.Components;
using Streams.Modules;

using Streams.Testing;
using Streams.Transports.Commands;
using Streams.Transports.Tests.ZeroMq;

namespace Streams.Transports.Tests.Drivers;

/// <summary>Our drivers and the connect command against peers nobody here wrote: socat and OpenBSD netcat.</summary>
public class InteropTests
{
    private static readonly TimeSpan Wait = DriverTestSupport.Wait;

    private static async Task<StreamHead> OpenRetryAsync(string address, StreamOptions options)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await Transport.OpenAsync(address, options).WaitAsync(Wait);
            }
            catch (StreamException) when (clock.Elapsed < Wait)
            {
                await Task.Delay(20);
            }
        }
    }

    [Fact]
    public async Task Tcp_SocatEchoServer_EchoesInOrderAfterHalfClose()
    {
        var pool = new MessagePool();
        int port = DriverTestSupport.FreeTcpPort();
        await using PeerProcess socat = PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr", "EXEC:cat");
        StreamHead head = await OpenRetryAsync($"tcp:127.0.0.1:{port}", new StreamOptions { Pool = pool });
        Task<byte[]> reader = DriverTestSupport.ReadAllAsync(head);
        var expected = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            expected.Append($"{i}\n");
            await head.WriteAsync($"{i}\n").AsTask().WaitAsync(Wait);
        }

        await head.CompleteWritesAsync();
        Assert.Equal(expected.ToString(), Encoding.ASCII.GetString(await reader.WaitAsync(Wait)));
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Tcp_NcServer_ReceivesOurBytesAndSendsItsOwn()
    {
        var pool = new MessagePool();
        int port = DriverTestSupport.FreeTcpPort();
        await using PeerProcess nc = PeerProcess.Start("nc", "-l", "-N", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        StreamHead head = await OpenRetryAsync($"tcp:127.0.0.1:{port}", new StreamOptions { Pool = pool });
        Task<string> ncOut = DriverTestSupport.ReadToEndAsync(nc.Stdout);

        // nc quits at the network's end of file, so it half-closes first (-N) and we still write after that.
        await nc.Stdin.WriteAsync("from nc\n"u8.ToArray());
        nc.Stdin.Close();
        Assert.Equal("from nc\n", Encoding.ASCII.GetString(await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait)));
        await head.WriteAsync("from streams\n");
        await head.CompleteWritesAsync();
        Assert.Equal("from streams\n", await ncOut.WaitAsync(Wait));
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Tcp_IPv6_SocatServer_Echoes()
    {
        var pool = new MessagePool();
        int port = DriverTestSupport.FreeTcpPort(IPAddress.IPv6Loopback);
        await using PeerProcess socat = PeerProcess.Start("socat", $"TCP6-LISTEN:{port},bind=[::1],reuseaddr", "EXEC:cat");
        StreamHead head = await OpenRetryAsync($"tcp:[::1]:{port}", new StreamOptions { Pool = pool });
        await head.WriteAsync("six\n");
        await head.CompleteWritesAsync();
        Assert.Equal("six\n", Encoding.ASCII.GetString(await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait)));
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Tcp_HostName_Localhost_Connects()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<Socket> accept = listener.AcceptSocketAsync();
        StreamHead head = await Transport.OpenAsync($"tcp:localhost:{port}?nodelay=0").WaitAsync(Wait);
        using Socket far = await accept.WaitAsync(Wait);
        await head.WriteAsync("by name");
        await head.CloseAsync().WaitAsync(Wait);
        await using var stream = new NetworkStream(far);
        Assert.Equal("by name", await DriverTestSupport.ReadToEndAsync(stream).WaitAsync(Wait));
    }

    [Fact]
    public async Task Tcp_SocatClient_TalksToOurAcceptedSocketDriver()
    {
        var pool = new MessagePool();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using PeerProcess socat = PeerProcess.Start("socat", "-", $"TCP:127.0.0.1:{port}");
        Socket accepted = await listener.AcceptSocketAsync().WaitAsync(Wait);
        StreamHead head = StreamHead.Open(Transport.CreateDriver(accepted, "tcp:accepted"), new StreamOptions { Pool = pool });
        await socat.Stdin.WriteAsync("hello server\n"u8.ToArray());
        socat.Stdin.Close();
        using var cts = new CancellationTokenSource(Wait);
        var received = new StringBuilder();
        while (await head.ReadAsync(cts.Token) is { } m)
        {
            received.Append(m.ToText());
            m.Release();
        }

        Assert.Equal("hello server\n", received.ToString());
        await head.WriteAsync("hello client\n");
        await head.CloseAsync().WaitAsync(Wait);
        Assert.Equal("hello client\n", await DriverTestSupport.ReadToEndAsync(socat.Stdout).WaitAsync(Wait));
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Unix_NcServer_ExchangesBothWays()
    {
        var pool = new MessagePool();
        string path = DriverTestSupport.TempPath("nc.sock");
        await using PeerProcess nc = PeerProcess.Start("nc", "-U", "-l", "-N", path);
        await PeerProcess.WaitForPathAsync(path);
        StreamHead head = await OpenRetryAsync($"unix:{path}", new StreamOptions { Pool = pool });
        Task<string> ncOut = DriverTestSupport.ReadToEndAsync(nc.Stdout);
        await nc.Stdin.WriteAsync("back\n"u8.ToArray());
        nc.Stdin.Close();
        Assert.Equal("back\n", Encoding.ASCII.GetString(await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait)));
        await head.WriteAsync("over unix\n");
        await head.CompleteWritesAsync();
        Assert.Equal("over unix\n", await ncOut.WaitAsync(Wait));
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Unix_SocatEchoServer_EchoesAMegabyte()
    {
        var pool = new MessagePool();
        string path = DriverTestSupport.TempPath("socat.sock");
        await using PeerProcess socat = PeerProcess.Start("socat", $"UNIX-LISTEN:{path}", "EXEC:cat");
        await PeerProcess.WaitForPathAsync(path);
        StreamHead head = await OpenRetryAsync($"unix:{path}", new StreamOptions { Pool = pool });
        byte[] data = DriverTestSupport.Pattern(1024 * 1024);
        Task<byte[]> reader = DriverTestSupport.ReadAllAsync(head);
        for (int i = 0; i < data.Length; i += 50_000)
        {
            await head.WriteAsync(data.AsMemory(i, Math.Min(50_000, data.Length - i))).AsTask().WaitAsync(Wait);
        }

        await head.CompleteWritesAsync();
        byte[] echoed = await reader.WaitAsync(Wait);
        Assert.True(data.AsSpan().SequenceEqual(echoed), $"{echoed.Length} of {data.Length} bytes");
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Tcp_PeerResets_HangupReset()
    {
        var pool = new MessagePool();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<Socket> accept = listener.AcceptSocketAsync();
        StreamHead head = await Transport.OpenAsync($"tcp:127.0.0.1:{port}", new StreamOptions { Pool = pool }).WaitAsync(Wait);
        Socket far = await accept.WaitAsync(Wait);
        far.LingerState = new LingerOption(true, 0);
        far.Close();
        Assert.Empty(await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait));
        Assert.Equal(HangupKind.Reset, head.EndReason);
        Assert.Null(head.Error);
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Theory]
    [InlineData("tcp:127.0.0.1:1", "tcp:127.0.0.1:1: connection refused")]
    [InlineData("unix:/nonexistent-dir/x.sock", "unix:/nonexistent-dir/x.sock: no such file or directory")]
    [InlineData("pipe:streams-no-such-pipe", "pipe:streams-no-such-pipe: no server")]
    [InlineData("mem:nobody-listens", "mem:nobody-listens: connection refused")]
    [InlineData("tcp::9000", "tcp::9000: needs a host")]
    public async Task Open_Unreachable_ClearErrorNamingTheAddress(string address, string expected)
    {
        StreamException error = await Assert.ThrowsAsync<StreamException>(() => Transport.OpenAsync(address).WaitAsync(Wait));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_BadAddress_FormatException()
    {
        FormatException error = await Assert.ThrowsAsync<FormatException>(() => Transport.OpenAsync("tcp:127.0.0.1"));
        Assert.Contains("needs HOST:PORT", error.Message, StringComparison.Ordinal);
    }
}

public class ConnectCommandTests
{
    private static readonly TimeSpan Wait = DriverTestSupport.Wait;
    private static readonly ComponentRegistry Registry = new ComponentRegistry().AddStreamModules().AddStreamCommands();

    private static Task<CommandOutcome> ConnectAsync(string stdin, params string[] args) =>
        StageHarness.RunAsync(Registry.CreateCommand("connect", []), args, Encoding.UTF8.GetBytes(stdin), timeout: TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Connect_SocatEchoServer_PrintsWhatComesBack()
    {
        int port = DriverTestSupport.FreeTcpPort();
        await using PeerProcess socat = PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork", "EXEC:cat");
        await PeerProcess.WaitForTcpAsync(IPAddress.Loopback, port);
        string input = string.Concat(Enumerable.Range(1, 5000).Select(i => $"{i}\n"));
        CommandOutcome outcome = await ConnectAsync(input, $"tcp:127.0.0.1:{port}");
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal(input, outcome.Text);
        Assert.Equal(string.Empty, outcome.ErrorText);
    }

    [Fact]
    public async Task Connect_SocatWcServer_HalfClosesThenPrintsTheReply()
    {
        int port = DriverTestSupport.FreeTcpPort();
        // wc answers only after it has read the end of our input: only a half-close lets the reply through.
        await using PeerProcess socat = PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr", "SYSTEM:wc -l");
        CommandOutcome outcome = await RetryAsync(() => ConnectAsync("a\nb\nc\n", $"tcp:127.0.0.1:{port}"));
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal("3", outcome.Text.Trim());
    }

    [Fact]
    public async Task Connect_WithLineModule_OneMessagePerLine()
    {
        int port = DriverTestSupport.FreeTcpPort();
        await using PeerProcess socat = PeerProcess.Start("socat", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork", "EXEC:cat");
        await PeerProcess.WaitForTcpAsync(IPAddress.Loopback, port);
        CommandOutcome outcome = await ConnectAsync("one\ntwo\nthree", $"tcp:127.0.0.1:{port}", "-m", "line");
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal("one\ntwo\nthree\n", outcome.Text);
    }

    [Fact]
    public async Task Connect_ExecCat_Echoes()
    {
        CommandOutcome outcome = await ConnectAsync("hello\nworld\n", "exec:cat");
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal("hello\nworld\n", outcome.Text);
    }

    [Fact]
    public async Task Connect_ExecWithQuotes_RunsWithoutAShell()
    {
        CommandOutcome outcome = await ConnectAsync("abc\n", "exec:tr 'a-c' 'x-z'");
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal("xyz\n", outcome.Text);
    }

    [Fact]
    public async Task Connect_RefusedPort_OneClearLineAndStatus1()
    {
        CommandOutcome outcome = await ConnectAsync("x\n", "tcp:127.0.0.1:1");
        Assert.Equal(1, outcome.ExitStatus);
        Assert.Equal("connect: tcp:127.0.0.1:1: connection refused\n", outcome.ErrorText);
        Assert.Empty(outcome.Stdout);
    }

    [Theory]
    [InlineData(new string[0], "connect: needs an ADDRESS")]
    [InlineData(new[] { "tcp:127.0.0.1:1", "--bogus" }, "connect: unknown option '--bogus'")]
    [InlineData(new[] { "exec:cat", "-m" }, "connect: option '-m' needs a module")]
    public async Task Connect_BadArguments_Status2(string[] args, string expected)
    {
        CommandOutcome outcome = await ConnectAsync(string.Empty, args);
        Assert.Equal(2, outcome.ExitStatus);
        Assert.StartsWith(expected, outcome.ErrorText, StringComparison.Ordinal);
        Assert.Single(outcome.ErrorText.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("nosuch:thing", "connect: 'nosuch:thing': unknown scheme")]
    [InlineData("exec:cat", "connect: no-such-module", "-m", "no-such-module")]
    [InlineData("exec:cat", "connect: throttle: give one rate", "-m", "throttle")]
    public async Task Connect_BadAddressOrModule_Status2(string address, string expected, params string[] more)
    {
        CommandOutcome outcome = await ConnectAsync(string.Empty, [address, .. more]);
        Assert.Equal(2, outcome.ExitStatus);
        Assert.StartsWith(expected, outcome.ErrorText, StringComparison.Ordinal);
        Assert.Single(outcome.ErrorText.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Connect_ReadOnlyFile_WriteRefusedStatus1()
    {
        // `file:` opens for reading; the write of stdin must be refused. The file is a FIFO whose writer stays open
        // and silent, so the far end cannot finish (and stop stdin) before the write is tried: with a plain file
        // that ends at once, either may come first, as with socat.
        string path = DriverTestSupport.TempPath("ro.fifo");
        using (System.Diagnostics.Process mk = System.Diagnostics.Process.Start("mkfifo", [path])!)
        {
            await mk.WaitForExitAsync().WaitAsync(Wait);
            Assert.Equal(0, mk.ExitCode);
        }

        using Microsoft.Win32.SafeHandles.SafeFileHandle writer = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        CommandOutcome outcome = await ConnectAsync("x\n", $"file:{path}");
        Assert.Equal(1, outcome.ExitStatus);
        Assert.Contains("opened for reading only", outcome.ErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_FileWrite_WritesStdinAndEnds()
    {
        string path = DriverTestSupport.TempPath("w.txt");
        CommandOutcome outcome = await ConnectAsync("to the file\n", $"file:>{path}");
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal("to the file\n", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Connect_ZeroMqPush_EachLineIsOneMessageAtPull()
    {
        string endpoint = PyZmqPeer.FreeEndpoint();
        StreamHead pull = ZeroMqTestSupport.Open("zmq:pull:@" + endpoint, new MessagePool());
        try
        {
            string input = string.Concat(Enumerable.Range(1, 100).Select(i => $"{i}\n"));
            CommandOutcome outcome = await ConnectAsync(input, "zmq:push:>" + endpoint);
            Assert.Equal(0, outcome.ExitStatus);
            for (int i = 1; i <= 100; i++)
            {
                Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), await ZeroMqTestSupport.ReadTextAsync(pull));
            }
        }
        finally
        {
            await ZeroMqTestSupport.CloseAsync(pull);
        }
    }

    [Fact]
    public void Connect_Help_HasUsageAndExamples()
    {
        Assert.True(Registry.TryGet("connect", out ComponentDescriptor d, out _));
        Assert.Contains("usage: connect ADDRESS", d.Help, StringComparison.Ordinal);
        Assert.Contains("examples:", d.Help, StringComparison.Ordinal);
    }

    private static async Task<CommandOutcome> RetryAsync(Func<Task<CommandOutcome>> run)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            CommandOutcome outcome = await run();
            if (outcome.ExitStatus == 0 || clock.Elapsed > Wait || !outcome.ErrorText.Contains("connection refused", StringComparison.Ordinal))
            {
                return outcome;
            }

            await Task.Delay(20);
        }
    }
}
