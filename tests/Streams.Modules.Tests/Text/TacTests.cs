using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class TacTests
{
    [Fact]
    public async Task Tac_EdgeInputs_MatchesGnu() => await Gnu.SameOnEdgesAsync(() => new TacCommand(), "tac");

    [Fact]
    public async Task Tac_Files_ReversesEachFileInTurn()
    {
        using TempDirectory dir = Gnu.Files(("f1", "1\n2"), ("f2", "a\nb\n"));
        await Gnu.SameAsync(() => new TacCommand(), "tac", ["f1", "-", "f2"], "x\ny\n", dir.Path);
        await Gnu.SameAsync(() => new TacCommand(), "tac", ["nofile", "f2"], "", dir.Path, compareErrors: true);
    }

    /// <summary>-s and -b against GNU: one- and multi-byte separators, overlapping ones (found from the end, as
    /// GNU's), an empty one (the input whole), on stdin and on a file read from its end in blocks of 1, 2 and 5
    /// bytes, so that separators straddle blocks; random inputs over a two-letter alphabet.</summary>
    [Theory]
    [InlineData("-s", ",")]
    [InlineData("-b")]
    [InlineData("-b", "-s", ",")]
    [InlineData("-s", "aa")]
    [InlineData("-b", "-s", "aa")]
    [InlineData("--separator=ab")]
    [InlineData("--before", "--separator=aba")]
    [InlineData("-s", "")]
    [InlineData("-s", "\n\n")]
    public async Task Tac_Separator_MatchesGnu(params string[] options)
    {
        var random = new Random(string.Join(' ', options).Length);
        var contents = new List<string> { "", "a", "aa", "aaa", "aaaaa", "xaaay", "a,b,,c", "a,b,c,", ",a", "a\nb\n\nc\n\n", "abab", "ababa" };
        for (int n = 0; n < 20; n++)
        {
            contents.Add(string.Concat(Enumerable.Range(0, random.Next(1, 24)).Select(_ => "ab,\n"[random.Next(4)])));
        }

        foreach (string content in contents)
        {
            await Gnu.SameAsync(() => new TacCommand(), "tac", options, content);
            using TempDirectory dir = Gnu.Files(("f", content));
            foreach (int block in new[] { 1, 2, 5 })
            {
                await Gnu.SameAsync(() => new TacCommand { BlockSize = block }, "tac", [.. options, "f"], "", dir.Path);
            }
        }
    }

    /// <summary>A regular file is read from its end in blocks (here of a few bytes, so that lines cross them):
    /// the output is GNU's for every edge input.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task Tac_FileReadBackwardsInBlocks_MatchesGnu(int blockSize)
    {
        foreach (string content in Gnu.EdgeInputs.Concat(["\n\nab\n\ncd", "one\ntwo\nthree\n", "x\n\n"]))
        {
            using TempDirectory dir = Gnu.Files(("f", content), ("g", "last\nfile"));

            // GNU tac runs out of memory ("memory exhausted") on a 1 MiB line read twice: that case alone.
            string[] args = content.Length > 100_000 ? ["f"] : ["f", "g", "f"];
            int block = content.Length > 100_000 ? Math.Max(blockSize, 1000) : blockSize;
            await Gnu.SameAsync(() => new TacCommand { BlockSize = block }, "tac", args, "", dir.Path);
        }
    }

    /// <summary>Standard input past the memory limit goes to a temporary file that is then read backwards (the
    /// way past 2 GiB, tested with a limit of a few bytes).</summary>
    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 2)]
    [InlineData(5, 7)]
    public async Task Tac_StdinPastTheMemoryLimit_SpillsAndMatchesGnu(long limit, int blockSize)
    {
        foreach (string content in Gnu.EdgeInputs.Concat(["\n\nab\n\ncd", "one\ntwo\nthree\n"]))
        {
            int block = content.Length > 100_000 ? Math.Max(blockSize, 1000) : blockSize;
            await Gnu.SameAsync(() => new TacCommand { MemoryLimit = limit, BlockSize = block }, "tac", [], content);
        }
    }
}
