using Streams.Modules.Text;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

public class YesTests
{
    [Theory]
    [InlineData]
    [InlineData("a", "b")]
    [InlineData("--", "x")]
    public async Task Yes_PipedToHead_MatchesGnu(params string[] args)
    {
        byte[] gnuOut = (await StageHarness.RunReferenceAsync("sh", ["-c", "yes \"$@\" | head -c 100000", "sh", .. args], [])).Stdout;
        var output = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0));
        var input = new System.IO.Pipelines.Pipe();
        await input.Writer.CompleteAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Streams.Pipelines.PipelineResult result = await Streams.Pipelines.Pipeline.RunAsync(
            [new Streams.Pipelines.StageStart(new YesCommand(), args) { Input = input.Reader }, new Streams.Pipelines.StageStart(new HeadCommand(), ["-c", "100000"]) { Output = output.Writer }],
            new System.IO.Pipelines.Pipe().Writer,
            cancellationToken: cts.Token);
        await output.Writer.CompleteAsync();
        Assert.Equal(gnuOut, await Streams.Pipelines.StageIO.ReadAllBytesAsync(output.Reader));
        Assert.Equal(0, result.ExitStatus);
    }

    [Fact]
    public async Task TrueFalse_AnyArguments_ReturnZeroAndOne()
    {
        Assert.Equal(0, (await StageHarness.RunAsync(new TrueFalseCommand(true), ["x", "-y"], [])).ExitStatus);
        CommandOutcome outcome = await StageHarness.RunAsync(new TrueFalseCommand(false), ["x"], []);
        Assert.Equal(1, outcome.ExitStatus);
        Assert.Empty(outcome.Stdout);
    }
}
