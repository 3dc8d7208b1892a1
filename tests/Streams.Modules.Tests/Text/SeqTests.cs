using Streams.Modules.Text;

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
    public async Task Seq_Arguments_MatchesGnu(params string[] args)
        => await Gnu.SameAsync(() => new SeqCommand(), "seq", args, "", compareErrors: true);

    [Fact]
    public async Task Seq_Million_MatchesGnu()
        => await Gnu.SameAsync(() => new SeqCommand(), "seq", ["1000000"], "");
}
