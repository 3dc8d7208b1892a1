using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Streams.Transports.Mounts;
using Streams.Transports.Servers;
using static Streams.Transports.Tests.Servers.ServerTestKit;

namespace Streams.Transports.Tests.Servers;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StreamMountTests
{
    [Fact]
    public async Task Socket_Mode0600ByDefault_EchoesAndIsRemovedOnStop()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "m");
        StreamMount mount = await StreamMount.StartAsync(MountOptions(path));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("x\n", await ExchangeUnixAsync(path, "x\n"));
        await mount.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(Bound);

        Assert.False(Path.Exists(path));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Socket_ModeGiven_IsApplied()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "m");
        UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        await using (StreamMount mount = await StreamMount.StartAsync(MountOptions(path, mode: mode)))
        {
            Assert.Equal(mode, File.GetUnixFileMode(path));
        }

        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Socket_RegularFileInTheWay_IsRefusedAndKept()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "precious");
        await File.WriteAllTextAsync(path, "keep me");

        IOException error = await Assert.ThrowsAsync<IOException>(() => StreamMount.StartAsync(MountOptions(path)));

        Assert.Contains("not a socket", error.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(path));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Socket_StaleSocket_IsReplaced_LiveOneIsRefused()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "s");

        // A socket file nobody listens on, as a killed server leaves it (.NET's Socket would remove it on
        // close, so another program binds it).
        Assert.Equal(0, await ShAsync($"python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind(\"{path}\")'"));

        Assert.True(Path.Exists(path));
        await using StreamMount mount = await StreamMount.StartAsync(MountOptions(path));
        Assert.Equal("fresh\n", await ExchangeUnixAsync(path, "fresh\n"));

        IOException inUse = await Assert.ThrowsAsync<IOException>(() => StreamMount.StartAsync(MountOptions(path)));
        Assert.Contains("in use", inUse.Message, StringComparison.Ordinal);
        Assert.Equal("still mine\n", await ExchangeUnixAsync(path, "still mine\n"));
        await mount.StopAsync(TimeSpan.FromSeconds(5));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Fifo_ShellWritesInAndCatReadsOut_EachSessionGetsAFreshStream()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "f");
        StreamMount mount = await StartFifoAsync(path, (session, text, _) => Task.FromResult($"{session}:{text.ToUpperInvariant()}"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + ".in"));

        Assert.Equal(0, await ShAsync($"echo hi > '{path}.in'"));
        Assert.Equal("1:HI\n", await ShOutputAsync($"cat '{path}.out'"));
        Assert.Equal(0, await ShAsync($"printf 'two\\nlines\\n' > '{path}.in'"));
        Assert.Equal("2:TWO\nLINES\n", await ShOutputAsync($"cat '{path}.out'"));

        await mount.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(Bound);
        Assert.False(Path.Exists(path + ".in"));
        Assert.False(Path.Exists(path + ".out"));
        Directory.Delete(dir, true);
    }

    /// <summary>A writer that opens PATH.in while the last session has read its end but not yet closed its reader
    /// (a script's next write racing the server): its bytes are the next session's input, not dropped by the kernel
    /// with the old reader. Before the fix the second `cat` waited for ever (seen once in a loaded test run).</summary>
    [Fact]
    public async Task Fifo_WriterConnectsBeforeTheLastSessionClosed_ItsBytesAreTheNextSession()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "f");
        var firstEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StreamMount mount = await StartFifoAsync(path, async (session, text, ct) =>
        {
            if (session == 1)
            {
                // The first session has seen the end of its input and stays open until the next writer wrote.
                firstEnded.SetResult();
                await release.Task.WaitAsync(ct);
            }

            return $"{session}:{text}";
        });

        Assert.Equal(0, await ShAsync($"echo one > '{path}.in'"));
        await firstEnded.Task.WaitAsync(Bound);
        Assert.Equal(0, await ShAsync($"echo two > '{path}.in'"));
        release.SetResult();
        Assert.Equal("1:one\n", await ShOutputAsync($"cat '{path}.out'"));
        Assert.Equal("2:two\n", await ShOutputAsync($"cat '{path}.out'"));

        await mount.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(Bound);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Fifo_RegularFileAtIn_IsRefused()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "f");
        await File.WriteAllTextAsync(path + ".in", "data");

        IOException error = await Assert.ThrowsAsync<IOException>(() => StreamMount.StartAsync(MountOptions(path, fifo: true)));

        Assert.Contains("not a FIFO", error.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(path + ".out"));
        Directory.Delete(dir, true);
    }

    // A FIFO mount whose sessions read their whole input and answer with what `answer` makes of the session's
    // number (from 1) and its input.
    private static Task<StreamMount> StartFifoAsync(string path, Func<int, string, CancellationToken, Task<string>> answer)
    {
        int sessions = 0;
        return StreamMount.StartAsync(new StreamMountOptions
        {
            Path = path,
            Fifo = true,
            RemoveOnSignals = false,
            Handler = async (stream, ct) =>
            {
                int session = Interlocked.Increment(ref sessions);
                var text = new StringBuilder();
                await foreach (Message m in stream.ReadAllAsync(ct))
                {
                    text.Append(m.ToText());
                    m.Release();
                }

                await stream.WriteAsync(await answer(session, text.ToString(), ct), ct);
            },
        });
    }

    private static StreamMountOptions MountOptions(string path, UnixFileMode? mode = null, bool fifo = false) => new()
    {
        Path = path,
        Fifo = fifo,
        Mode = mode ?? (UnixFileMode.UserRead | UnixFileMode.UserWrite),
        Handler = EchoAsync,
        ModuleLines = ["line"],
        Components = Registry,
        RemoveOnSignals = false,
    };

    private static async Task<string> ExchangeUnixAsync(string path, string payload)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return await ExchangeAsync(socket, payload).WaitAsync(Bound);
    }

    private static async Task<int> ShAsync(string script) => (await RunShAsync(script)).Status;

    private static async Task<string> ShOutputAsync(string script) => (await RunShAsync(script)).Output;

    private static async Task<(int Status, string Output)> RunShAsync(string script)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(Bound);
        try
        {
            string output = await process.StandardOutput.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            return (process.ExitCode, output);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
