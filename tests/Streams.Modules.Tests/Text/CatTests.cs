using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class CatTests
{
    [Theory]
    [InlineData]
    [InlineData("-n")]
    [InlineData("-b")]
    [InlineData("-E")]
    [InlineData("-nE")]
    [InlineData("-")]
    public async Task Cat_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new CatCommand(), "cat", args);

    [Fact]
    public async Task Cat_FilesAndStdin_ConcatenatesInOrderAndNumbersAcross()
    {
        using TempDirectory dir = Gnu.Files(("f1", "one\ntwo"), ("f2", "three\n"));
        await Gnu.SameAsync(() => new CatCommand(), "cat", ["f1", "-", "f2"], "in\n", dir.Path);
        await Gnu.SameAsync(() => new CatCommand(), "cat", ["-n", "f1", "-", "f2"], "in\n", dir.Path);
    }

    [Fact]
    public async Task Cat_MissingFile_ReportsAndContinuesWithStatusOne()
    {
        using TempDirectory dir = Gnu.Files(("f1", "one\n"));
        await Gnu.SameAsync(() => new CatCommand(), "cat", ["nofile", "f1"], "", dir.Path, compareErrors: true);
    }

    [Fact]
    public async Task Cat_BadOption_FailsLikeGnu()
        => await Gnu.SameAsync(() => new CatCommand(), "cat", ["-z"], "x", compareErrors: true);
}
