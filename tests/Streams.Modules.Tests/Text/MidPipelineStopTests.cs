using System.IO.Pipelines;
using Streams.Modules.Text;
using Streams.Pipelines;

namespace Streams.Modules.Tests.Text;

/// <summary>A command between an endless producer and a stage that stops reading stops too, as SIGPIPE stops it
/// in sh (<c>yes | grep y | head -n 1</c>).</summary>
public class MidPipelineStopTests
{
    public static TheoryData<string, string[]> Middles => new()
    {
        { "grep", ["y"] },
        { "grep", ["."] },
        { "grep", ["-o", "y"] },
        { "grep", ["-n", "y"] },
        { "grep", ["-E", "y+"] },
        { "grep", ["-A", "1", "y"] },
        { "sed", ["p"] },
        { "sed", ["s/y/z/"] },
        { "sed", ["-n", "p"] },
        { "cat", [] },
        { "cat", ["-n"] },
        { "tr", ["y", "z"] },
        { "cut", ["-c1"] },
        { "rev", [] },
        { "nl", [] },
        { "paste", ["-", "-"] },
        { "tee", [] },
    };

    [Theory]
    [MemberData(nameof(Middles))]
    public async Task Middle_WhenTheNextStageStops_Stops(string name, string[] args)
    {
        var input = new Pipe();
        await input.Writer.CompleteAsync();
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        PipelineStage middle = Differential.Create(name);
        PipelineResult result = await Pipeline.RunAsync(
            [
                new StageStart(new YesCommand(), []) { Input = input.Reader },
                new StageStart(middle, args),
                new StageStart(new HeadCommand(), ["-n", "1"]) { Output = output.Writer },
            ],
            new Pipe().Writer,
            cancellationToken: cts.Token);
        Assert.False(cts.IsCancellationRequested, $"{name} did not stop when head stopped reading");
        Assert.Equal(0, result.ExitStatus);
    }
}
