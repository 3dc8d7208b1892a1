using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class TrTests
{
    [Theory]
    [InlineData("a-z", "A-Z")]
    [InlineData("[:lower:]", "[:upper:]")]
    [InlineData("[:upper:]", "[:lower:]")]
    [InlineData("abc", "x")]
    [InlineData("a-c", "xyz123")]
    [InlineData("-d", "a-z")]
    [InlineData("-d", "[:space:]")]
    [InlineData("-d", "\\n\\r")]
    [InlineData("-s", " ")]
    [InlineData("-s", "[:alpha:]")]
    [InlineData("-c", "a-z", "_")]
    [InlineData("-cd", "[:alnum:]\\n")]
    [InlineData("-cs", "[:alnum:]", "\\n")]
    [InlineData("-ds", "a", "b")]
    [InlineData("-s", "a-z", "A-Z")]
    [InlineData("-t", "abcd", "xy")]
    [InlineData("\\200-\\377", "?")]
    [InlineData("\\r", "\\n")]
    [InlineData("a-z", "[A*]")]
    [InlineData("a-z", "[A*3][B*]")]
    [InlineData("[=a=]", "b")]
    [InlineData("[:digit:][:punct:]", "#")]
    [InlineData("\\\\", "/")]
    [InlineData("-d", "[:cntrl:][:xdigit:]")]
    public async Task Tr_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new TrCommand(), "tr", args);

    [Theory]
    [InlineData]
    [InlineData("a")]
    [InlineData("z-a", "b")]
    [InlineData("-d", "a", "b")]
    [InlineData("a", "b", "c")]
    [InlineData("a", "")]
    [InlineData("[:foo:]", "x")]
    public async Task Tr_BadArguments_FailLikeGnu(params string[] args)
        => await Gnu.SameAsync(() => new TrCommand(), "tr", args, "abc\n", compareErrors: true);

    [Fact]
    public async Task Tr_RandomInputs_MatchesGnu()
    {
        var random = new Random(3);
        string[][] options = [["a-z", "A-Z"], ["-d", "0-9"], ["-s", " \\t"], ["-c", "a-z\\n", "."], ["-cs", "a-zA-Z", "\\n"], ["abe", "xy"]];
        for (int round = 0; round < 30; round++)
        {
            await Gnu.SameAsync(() => new TrCommand(), "tr", options[round % options.Length], Gnu.RandomLines(random, random.Next(0, 25)));
        }
    }

    /// <summary>The <c>[c*n]</c> and <c>[c*]</c> repeat constructs: filling SET2, their errors, and in SET1
    /// (<c>[c*n]</c> is allowed there, <c>[c*]</c> is not).</summary>
    [Theory]
    [InlineData("abc", "[x*3]")]
    [InlineData("abcdef", "x[y*]z")]
    [InlineData("abcdef", "[y*2]")]
    [InlineData("a-h", "[x*]")]
    [InlineData("[a*3]", "x")]
    [InlineData("-d", "[a*3]")]
    [InlineData("-d", "[a*]")]
    [InlineData("-d", "[a*0]")]
    [InlineData("abc", "[x*0][y*]")]
    [InlineData("[a*]", "x")]
    [InlineData("abc", "[x*010]")]
    [InlineData("abcdefghij", "[x*010]y")]
    [InlineData("abcdefghij", "[x*0x2]y")]
    [InlineData("abc", "[x*a]")]
    [InlineData("abc", "[x*3")]
    [InlineData("abc", "[x*]y[z*]")]
    [InlineData("abc", "[*3]")]
    [InlineData("abc", "[x*99999999999999999999]")]
    [InlineData("abc", "x[y*0]")]
    [InlineData("-s", "a", "[x*]")]
    [InlineData("a-c", "[\\n*2]-")]
    [InlineData("-c", "a", "[x*]")]
    [InlineData("abc", "[[:upper:]*2]")]
    public async Task Tr_RepeatConstructs_MatchGnu(params string[] args)
        => await Gnu.SameAsync(() => new TrCommand(), "tr", args, "[*3]abcdefghij\n", compareErrors: true);
}
