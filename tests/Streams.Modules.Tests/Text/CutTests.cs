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
    [InlineData("-z", "-b", "2-")]
    [InlineData("-z", "-d", ":", "-f", "2")]
    [InlineData("-zs", "-d:", "-f1")]
    [InlineData("--zero-terminated", "-d", " ", "-f", "2,1", "--output-delimiter=_")]
    public async Task Cut_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new CutCommand(), "cut", args);

    /// <summary>-z: records end with NUL, and a newline is an ordinary byte in them (a field delimiter with -d).</summary>
    /// <remarks>Not compared: with -d '\n', a last record without its NUL that ends in a newline right at the end of
    /// the input, where GNU's cut prints nothing for fields past the first (it takes that newline as the end of the
    /// record, not as a delimiter); ours prints the empty field and a NUL.</remarks>
    [Theory]
    [InlineData("-z", "-f", "2", "-d", "\n")]
    [InlineData("-z", "-c", "1-3")]
    [InlineData("-z", "-s", "-f", "1", "-d", ":")]
    public async Task Cut_ZeroTerminated_MatchesGnu(params string[] args)
        => await Gnu.SameAsync(() => new CutCommand(), "cut", args, "a:b\nc:d\0e\nf\0g:h\0tail\nno end");

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
