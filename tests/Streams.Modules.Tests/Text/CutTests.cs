using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class CutTests
{
    [Theory]
    [InlineData("-b", "1")]
    [InlineData("-b", "2-3,1")]
    [InlineData("-c", "1,3-5,7-")]
    [InlineData("-c", "-2")]
    [InlineData("-b", "3-")]
    [InlineData("-f", "1")]
    [InlineData("-f", "2-")]
    [InlineData("-f", "1,3", "-d", ":")]
    [InlineData("-d:", "-f2", "-s")]
    [InlineData("-d", " ", "-f", "2,1")]
    [InlineData("-f1-2", "-d:", "--output-delimiter=--")]
    [InlineData("-b1-2,4-5", "--output-delimiter=|")]
    [InlineData("-b1-2,3-4", "--output-delimiter=|")]
    [InlineData("-b1-3,2-4,6", "--output-delimiter=|")]
    [InlineData("--complement", "-b2")]
    [InlineData("--complement", "-d:", "-f2")]
    [InlineData("-f", "3", "-d", ":")]
    public async Task Cut_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new CutCommand(), "cut", args);

    [Theory]
    [InlineData]
    [InlineData("-b", "0")]
    [InlineData("-f", "3-1")]
    [InlineData("-f", "x")]
    [InlineData("-d", "ab", "-f", "1")]
    [InlineData("-d", ":", "-b", "1")]
    [InlineData("-s", "-b", "1")]
    [InlineData("-b", "1", "-f", "1")]
    public async Task Cut_BadArguments_FailLikeGnu(params string[] args)
        => await Gnu.SameAsync(() => new CutCommand(), "cut", args, "abc\n");

    [Fact]
    public async Task Cut_MissingFile_ReportsAndContinues()
    {
        using TempDirectory dir = Gnu.Files(("f", "a:b\n"));
        await Gnu.SameAsync(() => new CutCommand(), "cut", ["-d:", "-f2", "nofile", "f"], "", dir.Path, compareErrors: true);
    }

    [Fact]
    public async Task Cut_RandomInputs_MatchesGnu()
    {
        var random = new Random(5);
        string[][] options = [["-f2"], ["-d:", "-f1,3-"], ["-d", " ", "-f2-3", "-s"], ["-b2-4,6-"], ["-c", "-3,5"], ["-d,", "-f", "2", "--output-delimiter=##"]];
        for (int round = 0; round < 36; round++)
        {
            await Gnu.SameAsync(() => new CutCommand(), "cut", options[round % options.Length], Gnu.RandomLines(random, random.Next(0, 25)));
        }
    }
}
