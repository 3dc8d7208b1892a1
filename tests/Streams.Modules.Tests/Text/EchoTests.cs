using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class EchoTests
{
    [Theory]
    [InlineData]
    [InlineData("hello", "world")]
    [InlineData("-n", "x")]
    [InlineData("-e", "a\\tb\\nc")]
    [InlineData("-E", "a\\tb")]
    [InlineData("-ne", "a\\cb", "c")]
    [InlineData("-e", "\\0101\\x41\\x4g\\x\\q\\\\")]
    [InlineData("-e", "\\01234\\08\\0")]
    [InlineData("-en")]
    [InlineData("-nx", "y")]
    [InlineData("--", "-n")]
    [InlineData("-e", "\\a\\b\\e\\f\\r\\v")]
    [InlineData("a\\tb")]
    [InlineData("-n", "-e", "-E", "\\t")]
    [InlineData("caf\u00e9", "\u2603")]
    [InlineData("-")]
    [InlineData("--help", "x")]
    public async Task Echo_Arguments_MatchesCoreutilsEcho(params string[] args)
        => await Gnu.SameAsync(() => new EchoCommand(), "/usr/bin/echo", args, "");
}
