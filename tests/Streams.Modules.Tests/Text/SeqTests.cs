using Streams.Modules.Text;
using Streams.Pipelines;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

public class SeqTests
{
    [Theory]
    [InlineData("5")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("2", "5")]
    [InlineData("5", "2")]
    [InlineData("1", "2", "10")]
    [InlineData("10", "-3", "1")]
    [InlineData("-5", "-1")]
    [InlineData("0", "0.1", "1")]
    [InlineData("1", "0.25", "2")]
    [InlineData("1.5", "4")]
    [InlineData("0.10", "0.05", "0.3")]
    [InlineData("-w", "1", "10")]
    [InlineData("-w", "-1", "1")]
    [InlineData("-w", "1", "0.5", "3")]
    [InlineData("-w", "0.5", "10")]
    [InlineData("-s", ",", "3")]
    [InlineData("-s", ", ", "1", "3")]
    [InlineData("-f", "%.2f", "1", "3")]
    [InlineData("-f", "x%gy", "0.5", "0.5", "2")]
    [InlineData("-f", "%05.1f", "8", "10")]
    [InlineData("-f", "%e", "1", "3")]
    [InlineData("1e2", "1e2")]
    [InlineData("1", "1e1")]
    [InlineData("1000000", "1000003")]
    [InlineData("99999", "100001")]
    [InlineData("abc")]
    [InlineData("1", "0", "5")]
    [InlineData]
    [InlineData("1", "2", "3", "4")]
    [InlineData("-f", "%d", "1")]
    [InlineData("-f", "%f%f", "1")]
    [InlineData("0x10", "0x12")]
    [InlineData("0x10")]
    [InlineData("1e30", "1e30")]
    [InlineData("-1", "-w", "3")]
    [InlineData("1", "-w", "3")]
    [InlineData("-w", "1", "-s", ":", "3")]
    [InlineData("1e28", "1e28")]
    [InlineData("99999999999999999999", "100000000000000000001")]
    [InlineData("0x1", "0.5", "2")]
    [InlineData("0x1.0", "0.5", "2")]
    [InlineData("1", "0x.8", "2")]
    [InlineData("1", "0.5", "0x2p0")]
    [InlineData("1.5", "0x1p-1", "2.5")]
    [InlineData("0x10.8", "0x12")]
    [InlineData("-w", "0x8", "10")]
    [InlineData("-w", "8", "0xa")]
    [InlineData("-w", "0x8", "0.5", "10")]
    [InlineData("-w", "--", "-1", "0xa")]
    [InlineData("-f", "%.2f", "0x1", "0x2")]
    [InlineData("-s", ",", "0x3")]
    [InlineData("--", "-0x2", "-1")]
    [InlineData("2", "-0x1", "0")]
    [InlineData("0.5", "inf", "2")]
    [InlineData("10", "inf", "11")]
    [InlineData("1", "-inf", "3")]
    [InlineData("inf", "1")]
    [InlineData("-inf", "1")]
    [InlineData("nan")]
    [InlineData("1", "nan")]
    [InlineData("1", "1", "1e6")]
    [InlineData("999999", "1.0", "1000001")]
    [InlineData("1e1", "1.0", "12")]
    public async Task Seq_Arguments_MatchesGnu(params string[] args)
        => await Gnu.SameAsync(() => new SeqCommand(), "seq", args, "", compareErrors: true);

    /// <summary>Endless sequences (an infinite LAST, or a value that no longer changes), cut by head as in
    /// <c>seq inf | head</c>.</summary>
    [Theory]
    [InlineData("inf")]
    [InlineData("1", "inf")]
    [InlineData("999998", "inf")]
    [InlineData("1", "0.5", "inf")]
    [InlineData("1.5", "inf")]
    [InlineData("-w", "1", "inf")]
    [InlineData("-w", "0.5", "1", "inf")]
    [InlineData("-s", ",", "1", "inf")]
    [InlineData("inf", "1", "inf")]
    [InlineData("1", "inf", "inf")]
    [InlineData("--", "-inf", "-1")]
    [InlineData("2", "-1", "-inf")]
    [InlineData("99999999999999999998", "inf")]
    [InlineData("1e30", "1", "1.0000000000000000001e30")]
    [InlineData("1e30", "2", "1.0000000000000000001e30")]
    public async Task Seq_Endless_MatchesGnuThroughHead(params string[] args)
    {
        CommandOutcome gnu = await StageHarness.RunReferenceAsync("sh", ["-c", "seq \"$@\" | head -c 200", "sh", .. args], []);
        var output = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0));
        var input = new System.IO.Pipelines.Pipe();
        await input.Writer.CompleteAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        PipelineResult result = await Pipeline.RunAsync(
            [
                new StageStart(new SeqCommand(), args) { Input = input.Reader },
                new StageStart(new HeadCommand(), ["-c", "200"]) { Output = output.Writer },
            ],
            new System.IO.Pipelines.Pipe().Writer,
            cancellationToken: cts.Token);
        await output.Writer.CompleteAsync();
        byte[] ours = await output.Reader.ReadAllBytesAsync();
        Assert.False(cts.IsCancellationRequested, "seq did not stop when head stopped reading");
        Assert.True(gnu.Text == System.Text.Encoding.Latin1.GetString(ours), $"GNU:  {gnu.Text}\nours: {System.Text.Encoding.Latin1.GetString(ours)}");
        Assert.Equal(0, result.ExitStatus);
    }

    [Fact]
    public async Task Seq_Million_MatchesGnu()
        => await Gnu.SameAsync(() => new SeqCommand(), "seq", ["1000000"], "");
}
