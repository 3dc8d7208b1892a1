using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class HeadTests
{
    [Theory]
    [InlineData]
    [InlineData("-n", "1")]
    [InlineData("-n", "0")]
    [InlineData("-n", "-1")]
    [InlineData("-n", "-2")]
    [InlineData("-n", "+2")]
    [InlineData("-c", "3")]
    [InlineData("-c", "-3")]
    [InlineData("-c", "1K")]
    [InlineData("-2")]
    [InlineData("-n2")]
    [InlineData("--lines=2")]
    [InlineData("-v")]
    public async Task Head_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new HeadCommand(), "head", args);

    [Theory]
    [InlineData("f1", "f2")]
    [InlineData("-n1", "f1", "-", "f2")]
    [InlineData("-q", "f1", "f2")]
    [InlineData("f1", "nofile", "f2")]
    [InlineData("-n", "x")]
    public async Task Head_Files_PrintsHeadersLikeGnu(params string[] args)
    {
        using TempDirectory dir = Gnu.Files(("f1", "1\n2\n3"), ("f2", "a\n"));
        await Gnu.SameAsync(() => new HeadCommand(), "head", args, "s\nt\n", dir.Path, compareErrors: true);
    }

    [Fact]
    public async Task Head_AfterInfiniteYes_StopsTheWriter()
    {
        var yes = new YesCommand();
        var head = new HeadCommand();
        var output = new System.IO.Pipelines.Pipe();
        var error = new System.IO.Pipelines.Pipe();
        var input = new System.IO.Pipelines.Pipe();
        await input.Writer.CompleteAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Streams.Pipelines.PipelineResult result = await Streams.Pipelines.Pipeline.RunAsync(
            [new Streams.Pipelines.StageStart(yes, []) { Input = input.Reader }, new Streams.Pipelines.StageStart(head, ["-n", "3"]) { Output = output.Writer }],
            error.Writer,
            cancellationToken: cts.Token);
        await output.Writer.CompleteAsync();
        byte[] bytes = await Streams.Pipelines.StageIO.ReadAllBytesAsync(output.Reader);
        Assert.Equal("y\ny\ny\n", System.Text.Encoding.ASCII.GetString(bytes));
        Assert.Equal(0, result.ExitStatus);
    }
}
