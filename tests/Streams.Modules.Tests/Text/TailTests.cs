using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text;
using Streams.Pipelines;

namespace Streams.Modules.Tests.Text;

public class TailTests
{
    [Theory]
    [InlineData]
    [InlineData("-n", "1")]
    [InlineData("-n", "0")]
    [InlineData("-n", "+1")]
    [InlineData("-n", "+2")]
    [InlineData("-n", "-2")]
    [InlineData("-c", "3")]
    [InlineData("-c", "+3")]
    [InlineData("-3")]
    [InlineData("-v", "-n1")]
    public async Task Tail_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new TailCommand(), "tail", args);

    [Theory]
    [InlineData("f1", "f2")]
    [InlineData("-n1", "f1", "-", "f2")]
    [InlineData("-q", "-c2", "f1", "f2")]
    [InlineData("f1", "nofile")]
    [InlineData("-n", "y")]
    public async Task Tail_Files_PrintsHeadersLikeGnu(params string[] args)
    {
        using TempDirectory dir = Gnu.Files(("f1", "1\n2\n3"), ("f2", "a\n"));
        await Gnu.SameAsync(() => new TailCommand(), "tail", args, "s\nt\n", dir.Path, compareErrors: true);
    }

    [Fact]
    public async Task Tail_Follow_PrintsAppendedDataUntilCancelled()
    {
        using TempDirectory dir = Gnu.Files(("log", "old1\nold2\n"));
        string path = Path.Combine(dir.Path, "log");
        var input = new Pipe();
        var output = new Pipe();
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await input.Writer.CompleteAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var context = new StageContext(input.Reader, output.Writer, error.Writer, ["-f", "-n", "1", "-s", "0.1", "log"], workingDirectory: dir.Path, cancellationToken: cts.Token);
        ValueTask<int> running = new TailCommand().RunAsync(context);

        Assert.Equal("old2\n", await ReadAtLeastAsync(output.Reader, 5, cts.Token));
        await File.AppendAllTextAsync(path, "new1\nnew2\n", cts.Token);
        Assert.Equal("new1\nnew2\n", await ReadAtLeastAsync(output.Reader, 10, cts.Token));

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await running);
    }

    private static async Task<string> ReadAtLeastAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        ReadResult result = await reader.ReadAtLeastAsync(count, cancellationToken);
        string text = System.Text.Encoding.ASCII.GetString(result.Buffer.ToArray());
        reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    /// <summary>GNU tail 9's obsolete form: <c>+N</c> / <c>-N</c> with b, c, l and f, only as the sole option
    /// with at most one file; otherwise <c>+3</c> is a file name and <c>-3</c> an error. head has only
    /// <c>-N</c>.</summary>
    [Theory]
    [InlineData("tail", "+3")]
    [InlineData("tail", "-3")]
    [InlineData("tail", "+3", "n")]
    [InlineData("tail", "-3", "n")]
    [InlineData("tail", "+3c")]
    [InlineData("tail", "-2c")]
    [InlineData("tail", "+2l")]
    [InlineData("tail", "-3l", "n")]
    [InlineData("tail", "+3", "-")]
    [InlineData("tail", "+3", "n", "n")]
    [InlineData("tail", "-3", "n", "n")]
    [InlineData("tail", "+3", "-n1", "n")]
    [InlineData("tail", "-n1", "+3")]
    [InlineData("tail", "--", "+3")]
    [InlineData("tail", "-3b")]
    [InlineData("tail", "+0")]
    [InlineData("tail", "-0")]
    [InlineData("tail", "+")]
    [InlineData("tail", "-")]
    [InlineData("tail", "-l")]
    [InlineData("tail", "-3q", "n")]
    [InlineData("tail", "+3c", "n")]
    [InlineData("head", "-3")]
    [InlineData("head", "+3")]
    [InlineData("head", "-3", "n")]
    [InlineData("head", "-2l")]
    [InlineData("head", "-3c")]
    public async Task TailHead_ObsoleteForms_MatchGnu(string command, params string[] args)
    {
        using TempDirectory dir = Gnu.Files(("n", "1\n2\n3\n4\n5\n"));
        string stdin = string.Concat(Enumerable.Range(1, 700).Select(i => $"{i}\n"));
        await Gnu.SameAsync(() => Differential.Create(command), command, args, stdin, dir.Path, compareErrors: true);
    }
}
