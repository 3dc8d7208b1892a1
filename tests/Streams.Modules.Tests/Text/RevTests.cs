using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class RevTests
{
    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("abc\ndef\n")]
    [InlineData("a b\r\nc\r\n")]
    [InlineData("\n\nx\n")]
    public async Task Rev_AsciiInputs_MatchesUtilLinux(string input)
        => await Gnu.SameAsync(() => new RevCommand(), "rev", [], input);

    [Fact]
    public async Task Rev_InvalidUtf8_ReversesBytes()
    {
        Streams.Testing.CommandOutcome outcome = await Streams.Testing.StageHarness.RunAsync(new RevCommand(), [], Gnu.Bytes("a\xff\x80" + "b\nxy"));
        Assert.Equal("b\x80\xff" + "a\nyx", outcome.Text);
    }
}
