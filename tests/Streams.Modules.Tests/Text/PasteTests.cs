using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class PasteTests
{
    [Theory]
    [InlineData]
    [InlineData("-s")]
    [InlineData("-s", "-d", ",")]
    [InlineData("-s", "-d", ",;")]
    [InlineData("-", "-")]
    [InlineData("-d", ":", "-", "-", "-")]
    [InlineData("-s", "-d", "\\n")]
    [InlineData("-d", "", "-", "-")]
    [InlineData("-d", "\\0-", "-", "-", "-")]
    public async Task Paste_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new PasteCommand(), "paste", args);

    [Theory]
    [InlineData("f1", "f2")]
    [InlineData("f2", "f1")]
    [InlineData("-d", ",", "f1", "-", "f2")]
    [InlineData("-s", "f1", "f2", "empty")]
    [InlineData("f1", "empty", "f2")]
    [InlineData("f1", "nofile")]
    public async Task Paste_Files_MatchesGnu(params string[] args)
    {
        using TempDirectory dir = Gnu.Files(("f1", "1\n2\n3"), ("f2", "a\nb\n"), ("empty", ""));
        await Gnu.SameAsync(() => new PasteCommand(), "paste", args, "x\ny\nz\nw\n", dir.Path, compareErrors: true);
    }
}
