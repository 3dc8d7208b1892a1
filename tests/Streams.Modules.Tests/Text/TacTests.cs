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
}
