using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Streams.Pipelines;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

/// <summary>Streaming behaviour: output shows as soon as the input pauses (interactive use), <c>tail -f</c>
/// follows appended data like GNU tail, and the harness takes stdin larger than a pipe's pause threshold.</summary>
public class StreamingTests
{
    /// <summary>Generous: only a stage that never flushes reaches it.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>A command, its arguments, what is written (and left open), and what must come out before the
    /// input ends.</summary>
    [Theory]
    [InlineData("cat", "", "hello\n", "hello\n")]
    [InlineData("cat", "-n", "hello\n", "     1\thello\n")]
    [InlineData("cat", "", "partial", "partial")]
    [InlineData("grep", "x", "a\nxb\n", "xb\n")]
    [InlineData("grep", "-v x", "a\nxb\n", "a\n")]
    [InlineData("sed", "s/a/b/", "a\n", "b\n")]
    [InlineData("tr", "a-z A-Z", "hi\n", "HI\n")]
    [InlineData("cut", "-c1-2", "hello\n", "he\n")]
    [InlineData("nl", "", "x\n", "     1\tx\n")]
    [InlineData("rev", "", "abc\n", "cba\n")]
    [InlineData("uniq", "", "a\na\nb\n", "a\n")]
    [InlineData("head", "-n 5", "1\n2\n", "1\n2\n")]
    [InlineData("tail", "-n +2", "1\n2\n3\n", "2\n3\n")]
    [InlineData("paste", "-d:", "1\n", "1\n")]
    [InlineData("tee", "", "t\n", "t\n")]
    public async Task Streaming_InputPausesOpen_OutputArrivesBeforeEndOfInput(string command, string args, string written, string expected)
    {
        var input = new Pipe();
        var output = new Pipe();
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        using var cts = new CancellationTokenSource(HangGuard);
        string[] arguments = args.Length == 0 ? [] : args.Split(' ');
        Task<PipelineResult> run = Pipeline.RunAsync(
            [new StageStart(Differential.Create(command), arguments) { Input = input.Reader, Output = output.Writer }],
            error.Writer,
            cancellationToken: cts.Token);

        await input.Writer.WriteAsync(Encoding.Latin1.GetBytes(written), cts.Token);
        string seen = await ReadUntilAsync(output.Reader, expected, cts.Token);
        Assert.Equal(expected, seen);
        Assert.False(run.IsCompleted, "the command ended before its input did");

        await input.Writer.CompleteAsync();
        PipelineResult result = await run.WaitAsync(HangGuard);
        Assert.Equal(0, result.ExitStatus);
        await output.Reader.CompleteAsync();
    }

    [Fact]
    public async Task Harness_StdinOverOneMebibyte_IsReadWhole()
    {
        var random = new Random(5);
        byte[] data = new byte[(3 << 20) / 2];
        random.NextBytes(data);
        CommandOutcome outcome = await StageHarness.RunAsync(Differential.Create("cat"), [], data).WaitAsync(HangGuard);
        Assert.Equal(0, outcome.ExitStatus);
        Assert.True(data.AsSpan().SequenceEqual(outcome.Stdout));
        CommandOutcome counted = await StageHarness.RunAsync(Differential.Create("wc"), ["-c"], data).WaitAsync(HangGuard);
        Assert.Equal($"{data.Length}\n", counted.Text);
    }

    /// <summary>tail -f prints the end of the file (up to <paramref name="firstEnd"/>), then what is appended,
    /// with headers when following several files: the same bytes as GNU tail -f.</summary>
    [Theory]
    [InlineData("three\n", "-n1", "log")]
    [InlineData("three\n", "-n", "+2", "log")]
    [InlineData("ee\n", "-c3", "log")]
    [InlineData("x\n", "log", "other")]
    public async Task TailFollow_AppendedData_SameBytesAsGnu(string firstEnd, params string[] args)
    {
        byte[] gnu = await FollowAsync(dir => StartGnuTail(dir, args), firstEnd);
        byte[] ours = await FollowAsync(dir => StartOurTail(dir, args), firstEnd);
        Assert.Equal(Differential.Show(gnu), Differential.Show(ours));
        Assert.True(gnu.AsSpan().SequenceEqual(ours));
    }

    private static async Task<byte[]> FollowAsync(Func<string, (Stream Output, Func<Task> Stop)> start, string firstEnd)
    {
        using TempDirectory dir = Gnu.Files(("log", "one\ntwo\nthree\n"), ("other", "x\n"));
        using var cts = new CancellationTokenSource(HangGuard);
        (Stream output, Func<Task> stop) = start(dir.Path);
        var received = new MemoryStream();
        try
        {
            await ReadUntilEndsWithAsync(output, received, Encoding.Latin1.GetBytes(firstEnd), cts.Token);
            await File.AppendAllTextAsync(Path.Combine(dir.Path, "log"), "four\nfi", cts.Token);
            await ReadUntilEndsWithAsync(output, received, "four\nfi"u8.ToArray(), cts.Token);
        }
        finally
        {
            await stop();
        }

        return received.ToArray();
    }

    private static (Stream Output, Func<Task> Stop) StartGnuTail(string directory, string[] args)
    {
        var start = new ProcessStartInfo("tail") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (string arg in (string[])["-f", "-s", "0.1", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LC_ALL"] = "C";
        var process = Process.Start(start)!;
        return (process.StandardOutput.BaseStream, async () =>
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        });
    }

    private static (Stream Output, Func<Task> Stop) StartOurTail(string directory, string[] args)
    {
        var input = new Pipe();
        var output = new Pipe();
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var cts = new CancellationTokenSource();
        Task<PipelineResult> run = Pipeline.RunAsync(
            [new StageStart(Differential.Create("tail"), ["-f", "-s", "0.1", .. args]) { Input = input.Reader, Output = output.Writer }],
            error.Writer,
            directory,
            cancellationToken: cts.Token);
        return (output.Reader.AsStream(), async () =>
        {
            await cts.CancelAsync();
            await run.WaitAsync(HangGuard);
            cts.Dispose();
        });
    }

    /// <summary>Reads until the bytes received end with <paramref name="end"/>.</summary>
    private static async Task ReadUntilEndsWithAsync(Stream stream, MemoryStream received, byte[] end, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (!received.ToArray().AsSpan().EndsWith(end))
        {
            int n = await stream.ReadAsync(buffer, cancellationToken);
            Assert.True(n > 0, "tail ended while following");
            received.Write(buffer, 0, n);
        }
    }

    private static async Task<string> ReadUntilAsync(PipeReader reader, string expected, CancellationToken cancellationToken)
    {
        var seen = new StringBuilder();
        while (seen.Length < expected.Length)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                seen.Append(Encoding.Latin1.GetString(segment.Span));
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        return seen.ToString();
    }
}
