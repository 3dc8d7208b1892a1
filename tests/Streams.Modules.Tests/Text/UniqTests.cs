using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class UniqTests
{
    [Theory]
    [InlineData]
    [InlineData("-c")]
    [InlineData("-d")]
    [InlineData("-u")]
    [InlineData("-i")]
    [InlineData("-ci")]
    [InlineData("-cd")]
    [InlineData("-du")]
    [InlineData("-f", "1")]
    [InlineData("-s", "2")]
    [InlineData("-w", "1")]
    [InlineData("-c", "-f1", "-s1", "-w2")]
    [InlineData("-D")]
    [InlineData("--all-repeated=prepend")]
    [InlineData("--all-repeated=separate")]
    [InlineData("--all-repeated=sep", "-i")]
    [InlineData("-D", "-u")]
    [InlineData("-D", "-d")]
    [InlineData("--group")]
    [InlineData("--group=prepend")]
    [InlineData("--group=append")]
    [InlineData("--group=both", "-w1")]
    [InlineData("-z")]
    [InlineData("-zc")]
    [InlineData("-zD")]
    [InlineData("-z", "--group=both")]
    public async Task Uniq_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new UniqCommand(), "uniq", args);

    [Fact]
    public async Task Uniq_CaseFolding_FoldsOnlyAsciiLetters()
        => await Gnu.SameAsync(() => new UniqCommand(), "uniq", ["-ci"], "a\nA\n@\n`\n[\n{\n\xe9\n\xc9\n");

    [Fact]
    public async Task Uniq_InputAndOutputFiles_WritesOutputFile()
    {
        using TempDirectory dir = Gnu.Files(("in", "a\na\nb\n"));
        Streams.Testing.CommandOutcome outcome = await Streams.Testing.StageHarness.RunAsync(new UniqCommand(), ["-c", "in", "out"], [], dir.Path);
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal("      2 a\n      1 b\n", File.ReadAllText(Path.Combine(dir.Path, "out")));
        await Gnu.SameAsync(() => new UniqCommand(), "uniq", ["nofile"], "", dir.Path, compareErrors: true);
    }

    /// <summary>The usage errors of GNU's -D and --group: status 1, nothing on stdout.</summary>
    [Theory]
    [InlineData("-Dc")]
    [InlineData("--group", "-c")]
    [InlineData("--group", "-u")]
    [InlineData("-d", "--group=both")]
    [InlineData("--group=x")]
    [InlineData("--all-repeated=x")]
    [InlineData("--all-repeated=")]
    public async Task Uniq_BadGroupOptions_FailLikeGnu(params string[] args)
        => await Gnu.SameAsync(() => new UniqCommand(), "uniq", args, "a\na\nb\n");

    [Fact]
    public async Task Uniq_RandomInputs_MatchesGnu()
    {
        var random = new Random(11);
        string[][] options =
        [
            [], ["-c"], ["-d"], ["-u"], ["-i"], ["-c", "-f", "1"], ["-s", "1", "-w", "2"], ["-D"], ["-Du"],
            ["--all-repeated=prepend", "-f1"], ["--all-repeated=separate"], ["--group"], ["--group=prepend", "-i"],
            ["--group=append"], ["--group=both"], ["-z", "-c"],
        ];
        for (int round = 0; round < 80; round++)
        {
            // Few distinct lines so that runs happen.
            string input = Gnu.RandomLines(random, random.Next(0, 30)).Replace("\t", "", StringComparison.Ordinal);
            await Gnu.SameAsync(() => new UniqCommand(), "uniq", options[round % options.Length], input);
        }
    }
}
