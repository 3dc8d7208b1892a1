using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Streams.Shell.Tests;

/// <summary>listen, mount and stack through the shell: the built program serving real peers (nc, socat).</summary>
public sealed partial class StreamCommandTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Listen_LineModule_NcAndSocatClientsGetTheirOwnPipeline()
    {
        await using var server = await ShellServer.StartAsync("listen tcp:127.0.0.1:0 -m line -- 'tr a-z A-Z'", "listening on");
        string port = PortRegex().Match(server.Ready).Groups[1].Value;

        Assert.Equal("HELLO\nWORLD\n", await RunAsync("sh", "-c", $"printf 'hello\\nworld\\n' | nc -q 5 127.0.0.1 {port}"));
        Assert.Equal("ABC\n", await RunAsync("sh", "-c", $"printf 'abc' | socat - TCP:127.0.0.1:{port}"));

        string err = await server.InterruptAsync();
        Assert.Contains("stopped: accepted 2, active 0, completed 2, failed 0", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mount_Socket_NcUnixClientAndRemovedOnCtrlC()
    {
        string dir = Directory.CreateTempSubdirectory("streams-mount").FullName;
        string path = Path.Combine(dir, "up");
        await using (var server = await ShellServer.StartAsync($"mount '{path}' -m line -- 'tr a-z A-Z'", "mounted on"))
        {
            Assert.Equal("srw-------", (await RunAsync("stat", "-c", "%A", path)).Trim());
            Assert.Equal("HI\n", await RunAsync("sh", "-c", $"echo hi | nc -q 5 -U '{path}'"));
            await server.InterruptAsync();
        }

        Assert.False(Path.Exists(path));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Mount_Socket_RemovedOnSigterm()
    {
        string dir = Directory.CreateTempSubdirectory("streams-mount").FullName;
        string path = Path.Combine(dir, "s");
        await using (var server = await ShellServer.StartAsync($"mount '{path}' -- cat", "mounted on"))
        {
            Assert.True(Path.Exists(path));
            await server.SignalAsync("TERM");
        }

        Assert.False(Path.Exists(path));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Mount_Fifo_EchoIntoInCatFromOut()
    {
        string dir = Directory.CreateTempSubdirectory("streams-mount").FullName;
        string path = Path.Combine(dir, "f");
        await using (var server = await ShellServer.StartAsync($"mount --fifo '{path}' -- 'tr a-z A-Z'", "mounted on"))
        {
            Assert.Equal(string.Empty, await RunAsync("sh", "-c", $"echo hi > '{path}.in'"));
            Assert.Equal("HI\n", await RunAsync("cat", $"{path}.out"));
            await server.InterruptAsync();
        }

        Assert.False(Path.Exists(path + ".in"));
        Assert.False(Path.Exists(path + ".out"));
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("listen tcp:127.0.0.1:0", "expected -- PIPELINE")]
    [InlineData("listen file:/tmp/x -- cat", "cannot listen")]
    [InlineData("listen tcp:127.0.0.1:0 -m nosuch -- cat", "nosuch")]
    [InlineData("listen tcp:127.0.0.1:0 --max-connections zero -- cat", "--max-connections")]
    [InlineData("mount /tmp --mode 999 -- cat", "--mode")]
    public async Task BadArguments_OneClearLineAndStatus2(string line, string expected)
    {
        ShellOutcome o = await ShellRunner.RunAsync(line);

        Assert.Equal(2, o.Status);
        Assert.Contains(expected, o.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", o.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mount_RegularFileInTheWay_RefusedAndKept()
    {
        string dir = Directory.CreateTempSubdirectory("streams-mount").FullName;
        string path = Path.Combine(dir, "keep");
        await File.WriteAllTextAsync(path, "data");

        ShellOutcome o = await ShellRunner.RunAsync($"mount '{path}' -- cat");

        Assert.Equal(1, o.Status);
        Assert.Contains("not a socket (refusing to replace it)", o.Err, StringComparison.Ordinal);
        Assert.Equal("data", await File.ReadAllTextAsync(path));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Stack_NoStreams_PrintsNothing_AndModulesListsLine()
    {
        ShellOutcome stack = await ShellRunner.RunAsync("stack -s");
        ShellOutcome modules = await ShellRunner.RunAsync("modules");

        Assert.Equal(0, stack.Status);
        Assert.Contains("line ", modules.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("listen", modules.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stack_RunningDevice_ShowsItsEngineLegsAndCounters()
    {
        // The shell reads its script from a pipe line by line, so `stack` can be asked again until the job (started
        // on another thread) has bound its legs: a fixed sleep was a race on a loaded machine.
        var stdin = new System.IO.Pipelines.Pipe();
        var stdout = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0));
        using var stderr = new MemoryStream();
        using var cts = new CancellationTokenSource(Bound);
        Task<int> shell = Task.Run(() => ShellHost.RunAsync([], stdin.Reader.AsStream(), stdout.Writer.AsStream(), stderr, new ShellHostOptions(), cts.Token));
        await stdin.Writer.WriteAsync("streamer tcp://127.0.0.1:* tcp://127.0.0.1:* --name dev1 &\n"u8.ToArray(), cts.Token);
        string shown = "END\n";
        while (shown == "END\n")
        {
            await Task.Delay(50, cts.Token);
            shown = await AskAsync("stack; echo END\n");
        }

        string brief = await AskAsync("stack -s; echo END\n");
        await stdin.Writer.WriteAsync("kill %1; wait\n"u8.ToArray(), cts.Token);
        await stdin.Writer.CompleteAsync();
        Assert.Equal(0, await shell.WaitAsync(cts.Token));

        Assert.Matches(@"^dev1 \[zmtp\]\n    frontend tcp://127\.0\.0\.1:\d+ +in 0 msgs/0 B, out 0 msgs/0 B\n    backend  tcp://127\.0\.0\.1:\d+ +in 0 msgs/0 B, out 0 msgs/0 B\nEND\n$", shown);
        Assert.Equal("dev1 [zmtp]\nEND\n", brief);
        Assert.DoesNotContain(":*", shown, StringComparison.Ordinal);

        // Writes a line of script and returns what the shell printed up to the END it echoes.
        async Task<string> AskAsync(string line)
        {
            await stdin.Writer.WriteAsync(Encoding.UTF8.GetBytes(line), cts.Token);
            string text = "";
            while (!text.EndsWith("END\n", StringComparison.Ordinal))
            {
                System.IO.Pipelines.ReadResult result = await stdout.Reader.ReadAsync(cts.Token);
                text += Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(result.Buffer));
                stdout.Reader.AdvanceTo(result.Buffer.End);
                Assert.False(result.IsCompleted, text);
            }

            return text;
        }
    }

    [GeneratedRegex(@"listening on tcp:127\.0\.0\.1:(\d+)")]
    private static partial Regex PortRegex();

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(Bound);
        try
        {
            string output = await process.StandardOutput.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            return output;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The built shell running one server command, its stderr read as it comes.</summary>
    private sealed class ShellServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();
        private readonly Task _reading;

        private ShellServer(Process process)
        {
            _process = process;
            _reading = Task.Run(async () =>
            {
                char[] buffer = new char[1024];
                int n;
                while ((n = await process.StandardError.ReadAsync(buffer)) > 0)
                {
                    lock (_stderr)
                    {
                        _stderr.Append(buffer, 0, n);
                    }
                }
            });
        }

        public string Ready { get; private set; } = string.Empty;

        public static async Task<ShellServer> StartAsync(string line, string readyText)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            start.ArgumentList.Add(ShellRunner.ProgramPath);
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(line);
            var server = new ShellServer(Process.Start(start)!);
            using var cts = new CancellationTokenSource(Bound);
            while (!server.Text.Contains(readyText, StringComparison.Ordinal))
            {
                if (cts.IsCancellationRequested || server._process.HasExited)
                {
                    await server.DisposeAsync();
                    Assert.Fail($"the server did not start: {server.Text}");
                }

                await Task.Delay(20);
            }

            server.Ready = server.Text;
            return server;
        }

        private string Text
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        /// <summary>Ctrl-C: returns stderr once the shell has exited.</summary>
        public Task<string> InterruptAsync() => SignalAsync("INT");

        public async Task<string> SignalAsync(string signal)
        {
            using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(Bound);
            await _process.WaitForExitAsync(cts.Token);
            await _reading.WaitAsync(cts.Token);
            return Text;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
