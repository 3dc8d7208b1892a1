using Streams.Modules.Text;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

public class TeeTests
{
    [Fact]
    public async Task Tee_EdgeInputs_CopiesToStdout() => await Gnu.SameOnEdgesAsync(() => new TeeCommand(), "tee");

    [Fact]
    public async Task Tee_Files_WritesEachAndAppendsWithA()
    {
        using TempDirectory dir = Gnu.Files(("old", "keep\n"));
        CommandOutcome outcome = await StageHarness.RunAsync(new TeeCommand(), ["new", "sub/missing", "new2"], Gnu.Bytes("a\r\n\xff"), dir.Path);
        Assert.Equal(1, outcome.ExitStatus);
        Assert.Equal("tee: sub/missing: No such file or directory\n", outcome.ErrorText);
        Assert.Equal("a\r\n\xff", outcome.Text);
        Assert.Equal(Gnu.Bytes("a\r\n\xff"), File.ReadAllBytes(Path.Combine(dir.Path, "new")));
        Assert.Equal(Gnu.Bytes("a\r\n\xff"), File.ReadAllBytes(Path.Combine(dir.Path, "new2")));

        outcome = await StageHarness.RunAsync(new TeeCommand(), ["-a", "old"], Gnu.Bytes("more\n"), dir.Path);
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal("keep\nmore\n", File.ReadAllText(Path.Combine(dir.Path, "old")));
    }

    [Theory]
    [InlineData("--output-error=bad")]
    [InlineData("--output-error=w")]
    [InlineData("--output-error=warn")]
    [InlineData("-p")]
    [InlineData("--output-error")]
    public async Task Tee_OutputErrorModes_ParsedAsGnu(params string[] args)
        => await Gnu.SameAsync(() => new TeeCommand(), "tee", args, "a\nb\n", compareErrors: true);
}
