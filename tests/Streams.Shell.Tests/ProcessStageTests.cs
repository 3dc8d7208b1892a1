using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Streams.Pipelines;
using Streams.Testing;
using Streams.Transports.Processes;

namespace Streams.Shell.Tests;

public class ProcessStageTests
{
    /// <summary>Runs one stage with <paramref name="stdin"/> fed concurrently (large inputs exceed a pipe's pause
    /// threshold, so they cannot be written up front).</summary>
    private static async Task<CommandOutcome> RunStageAsync(PipelineStage stage, IReadOnlyList<string> arguments, byte[] stdin)
    {
        var input = new Pipe();
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task feed = Task.Run(async () =>
        {
            try
            {
                await input.Writer.WriteAsync(stdin, cts.Token);
            }
            finally
            {
                await input.Writer.CompleteAsync();
            }
        });
        PipelineResult result = await Pipeline.RunAsync(
            [new StageStart(stage, arguments) { Input = input.Reader, Output = output.Writer }],
            error.Writer,
            cancellationToken: cts.Token);
        await input.Reader.CompleteAsync();
        await feed;
        await output.Writer.CompleteAsync();
        await error.Writer.CompleteAsync();
        return new CommandOutcome(await output.Reader.ReadAllBytesAsync(), await error.Reader.ReadAllBytesAsync(), result.ExitStatus);
    }

    [Fact]
    public async Task RunAsync_CopiesInputToChild_AndChildOutputBack()
    {
        CommandOutcome o = await RunStageAsync(new ProcessStage("/usr/bin/tr"), ["a-z", "A-Z"], "hello\nworld\n"u8.ToArray());
        Assert.Equal(("HELLO\nWORLD\n", 0), (o.Text, o.ExitStatus));
    }

    [Fact]
    public async Task RunAsync_LargeInput_RoundTripsThroughCat()
    {
        byte[] data = new byte[5 * 1024 * 1024 + 17];
        new Random(42).NextBytes(data);
        CommandOutcome o = await RunStageAsync(new ProcessStage("/bin/cat"), [], data);
        Assert.Equal(data, o.Stdout);
    }

    [Fact]
    public async Task RunAsync_ReturnsChildExitCode()
    {
        CommandOutcome o = await RunStageAsync(new ProcessStage("/bin/sh"), ["-c", "exit 3"], []);
        Assert.Equal(3, o.ExitStatus);
    }

    [Fact]
    public async Task RunAsync_KilledBySignal_Returns128PlusSignal()
    {
        CommandOutcome o = await RunStageAsync(new ProcessStage("/bin/sh"), ["-c", "kill -KILL $$"], []);
        Assert.Equal(137, o.ExitStatus);
    }

    [Fact]
    public async Task RunAsync_CopiesStderrToError()
    {
        CommandOutcome o = await RunStageAsync(new ProcessStage("/bin/sh"), ["-c", "echo oops >&2"], []);
        Assert.Equal("oops\n", o.ErrorText);
    }

    [Fact]
    public async Task RunAsync_PassesEnvironmentAndWorkingDirectory()
    {
        var input = new Pipe();
        input.Writer.Complete();
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var env = new Dictionary<string, string> { ["ONLY_THIS"] = "x", ["PATH"] = "/usr/bin:/bin" };
        PipelineResult result = await Pipeline.RunAsync(
            [new StageStart(new ProcessStage("/bin/sh"), ["-c", "echo $ONLY_THIS $HOME; pwd"]) { Input = input.Reader, Output = output.Writer, Environment = env }],
            error.Writer,
            "/usr");
        await output.Writer.CompleteAsync();
        Assert.Equal(0, result.ExitStatus);
        Assert.Equal("x\n/usr\n", Encoding.UTF8.GetString(await output.Reader.ReadAllBytesAsync()));
    }

    [Fact]
    public async Task Pipeline_NextStageStopsReading_ChildDiesOfSigpipe_StageSucceeds()
    {
        var input = new Pipe();
        input.Writer.Complete();
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var watch = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        PipelineResult result = await Pipeline.RunAsync(
            [
                new StageStart(new ProcessStage("/usr/bin/yes")) { Input = input.Reader },
                new StageStart(new ProcessStage("/usr/bin/head"), ["-n", "1"]) { Output = output.Writer },
            ],
            error.Writer,
            cancellationToken: cts.Token);
        await output.Writer.CompleteAsync();
        Assert.Equal("y\n", Encoding.UTF8.GetString(await output.Reader.ReadAllBytesAsync()));
        Assert.Equal([StageEndKind.StoppedByReader, StageEndKind.Completed], result.Stages.Select(s => s.End));
        Assert.Equal(0, result.PipefailStatus);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Pipeline_Cancelled_KillsChild()
    {
        var input = new Pipe();
        input.Writer.Complete();
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        PipelineResult result = await Pipeline.RunAsync(
            [new StageStart(new ProcessStage("/bin/sleep"), ["100"]) { Input = input.Reader, Output = output.Writer }],
            error.Writer,
            cancellationToken: cts.Token);
        Assert.Equal(130, result.ExitStatus);
        Assert.Equal(StageEndKind.Cancelled, result.Stages[0].End);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunAsync_ChildIgnoresInput_InputDoesNotBlock()
    {
        CommandOutcome o = await RunStageAsync(new ProcessStage("/bin/echo"), ["hi"], new byte[3 * 1024 * 1024]);
        Assert.Equal(("hi\n", 0), (o.Text, o.ExitStatus));
    }

    [Fact]
    public void FindExecutable_SearchesPath_AndReportsNotExecutable()
    {
        Assert.Equal("/bin/sh", ChildProcess.FindExecutable("sh", "/nonexistent:/bin", "/", out bool notExecutable));
        Assert.False(notExecutable);
        Assert.Null(ChildProcess.FindExecutable("no_such_program_x", "/bin:/usr/bin", "/", out notExecutable));
        Assert.False(notExecutable);
        Assert.Equal("/bin/sh", ChildProcess.FindExecutable("../bin/sh", null, "/usr", out _));
        string file = Path.GetTempFileName();
        try
        {
            Assert.Null(ChildProcess.FindExecutable(file, null, "/", out notExecutable));
            Assert.True(notExecutable);
            Assert.Null(ChildProcess.FindExecutable(Path.GetFileName(file), Path.GetDirectoryName(file), "/", out notExecutable));
            Assert.True(notExecutable);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ChildProcess_Start_RestoresSigpipe()
    {
        using ChildProcess child = ChildProcess.Start("/bin/sh", ["-c", "sleep 0.2; yes"]);
        child.Input!.Dispose();
        child.Output!.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(141, await child.WaitForExitAsync(cts.Token));
    }
}
