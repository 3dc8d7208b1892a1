using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class WcTests
{
    [Theory]
    [InlineData]
    [InlineData("-l")]
    [InlineData("-w")]
    [InlineData("-c")]
    [InlineData("-m")]
    [InlineData("-lc")]
    [InlineData("-lwmc")]
    [InlineData("-L")]
    [InlineData("-wL")]
    [InlineData("-")]
    [InlineData("-l", "-")]
    public async Task Wc_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new WcCommand(), "wc", args);

    [Theory]
    [InlineData("f1")]
    [InlineData("-l", "f1")]
    [InlineData("f1", "f2")]
    [InlineData("-l", "f1", "f2")]
    [InlineData("-c", "big", "f1")]
    [InlineData("f1", "-")]
    [InlineData("-w", "f1", "-", "big")]
    [InlineData("f1", "nofile")]
    [InlineData("nofile")]
    [InlineData("-lw", "empty")]
    public async Task Wc_Files_UsesGnuColumnWidths(params string[] args)
    {
        using TempDirectory dir = Gnu.Files(("f1", "one two\nthree"), ("f2", "\n\n"), ("big", new string('x', 123456) + "\n"), ("empty", ""));
        await Gnu.SameAsync(() => new WcCommand(), "wc", args, "in put\n", dir.Path, compareErrors: true);
    }

    [Fact]
    public async Task Wc_ControlAndHighBytes_CountAsWordBytes()
        => await Gnu.SameAsync(() => new WcCommand(), "wc", [], "\x01\n\x80 \x7f\x00 a\x0b" + "b\x0c" + "c\rd\xa0" + "e\n\x01 \xff \x80\n");

    [Fact]
    public async Task Wc_RandomInputs_MatchesGnu()
    {
        var random = new Random(9);
        string[][] options = [[], ["-l"], ["-w"], ["-lwc"]];
        for (int round = 0; round < 24; round++)
        {
            await Gnu.SameAsync(() => new WcCommand(), "wc", options[round % options.Length], Gnu.RandomLines(random, random.Next(0, 40)));
        }
    }

    /// <summary>A directory operand: GNU prints "wc: DIR: Is a directory", a line of zeros for it (width 7 unless it
    /// is the only column of the only file) and ends with status 1.</summary>
    [Theory]
    [InlineData("d")]
    [InlineData("-l", "d", "f1")]
    [InlineData("-c", "d")]
    [InlineData("-L", "d")]
    [InlineData("-m", "d")]
    [InlineData("-lw", "d")]
    [InlineData("f1", "d", "-")]
    [InlineData("d", "nofile")]
    public async Task Wc_DirectoryOperand_MatchesGnu(params string[] args)
    {
        using TempDirectory dir = Gnu.Files(("f1", "one two\nthree"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "d"));
        await Gnu.SameAsync(() => new WcCommand(), "wc", args, "in put\n", dir.Path, compareErrors: true);
    }
}
