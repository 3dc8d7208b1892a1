using Streams.Modules.Text;
using Streams.Testing;

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

    [Theory]
    [InlineData("-A")]
    [InlineData("-v")]
    [InlineData("-T")]
    [InlineData("-e")]
    [InlineData("-t")]
    [InlineData("-s")]
    [InlineData("-sn")]
    [InlineData("-sb")]
    [InlineData("-vE")]
    public async Task Cat_ShowingOptions_EdgeInputs_MatchGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new CatCommand(), "cat", args);

    [Theory]
    [InlineData("-E")]
    [InlineData("-A")]
    [InlineData("-sE")]
    [InlineData("-snT")]
    [InlineData("-bv")]
    public async Task Cat_InputInPieces_SameAsGnu(params string[] args)
    {
        // A CRLF, a blank run or a control byte split across reads must come out as from one read.
        byte[] input = Gnu.Bytes("a\r\nb\r\r\n\n\n\n\tc\u0001\u007f\u00ff\r\n\r\n\n\nlast\r");
        CommandOutcome gnu = await StageHarness.RunReferenceAsync("cat", args, input);
        foreach (int chunk in new[] { 1, 2, 3 })
        {
            CommandOutcome ours = await Gnu.RunOursAsync(new CatCommand(), args, input, chunk: chunk);
            Assert.Equal(gnu.Stdout, ours.Stdout);
        }
    }

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
