using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class PrintfTests
{
    [Theory]
    [InlineData("hello\\n")]
    [InlineData("%s-%s\\n", "a", "b", "c")]
    [InlineData("%d %i\\n", "42", "-7")]
    [InlineData("%5d|%-5d|%05d|%+d|% d\\n", "42", "42", "42", "42", "42")]
    [InlineData("%x %X %o %#x %#o %u\\n", "255", "255", "8", "255", "8", "3")]
    [InlineData("%x %u\\n", "-1", "-1")]
    [InlineData("%.3d|%.0d|%8.3d\\n", "5", "0", "-5")]
    [InlineData("%c%c%c\\n", "abc", "d", "")]
    [InlineData("%f %e %g\\n", "3.14159", "31415.9", "0.0001234")]
    [InlineData("%.2f %.0f %10.3f %-10.1f|\\n", "2.345", "2.5", "1", "-1.25")]
    [InlineData("%g %g %g %g %g\\n", "100000", "1000000", "1e-5", "0", "123.456")]
    [InlineData("%#g %#.0f %E %G\\n", "1", "3", "12345.678", "0.000001")]
    [InlineData("%+.3e|% e\\n", "12", "-0.5")]
    [InlineData("%f %f\\n", "inf", "-inf")]
    [InlineData("%5s|%-5s|%.2s|\\n", "ab", "ab", "abcdef")]
    [InlineData("%*d|%-*d|%.*f\\n", "4", "7", "3", "7", "2", "3.14159")]
    [InlineData("%%|%s\\n", "x")]
    [InlineData("%b|%b\\n", "a\\tb", "\\0101\\101")]
    [InlineData("%b", "stop\\cnot")]
    [InlineData("a\\cb")]
    [InlineData("\\101\\x41\\u00e9\\e\\q\\\"\\n")]
    [InlineData("%d\\n", "0x1F", "010", "'A", "\"B")]
    [InlineData("%d\\n", "abc")]
    [InlineData("%d\\n", "12abc")]
    [InlineData("%d\\n", "99999999999999999999")]
    [InlineData("%s\\n")]
    [InlineData("%d %s\\n", "1")]
    [InlineData("plain\\n", "extra")]
    [InlineData("%z\\n", "x")]
    [InlineData("%")]
    [InlineData("%s\\n", "caf\u00e9")]
    [InlineData("--", "%s\\n", "x")]
    [InlineData("%i|%d\\n", " 5", "-0")]
    [InlineData("%f|%.3g|%10.4e|%g\\n", "-0", "0.00012345", "-123456", "1e100")]
    [InlineData("%.10g|%.1g|%g|%g\\n", "3.14159265358979", "0.95", "999999.5", "0.0001")]
    [InlineData("%s %s %s\\n", "a", "b", "c", "d", "e")]
    [InlineData("%5c|%-3c|\\n", "x", "y")]
    [InlineData("%#X %#o %+i\\n", "0", "0", "0")]
    [InlineData("%f %e %g %f %f\\n", "0x1F", "0x1p3", "0X1.8P1", "-0x.8", "017")]
    [InlineData("%f|%f|%f|%f|%f\\n", "0x", "0xg", "08", "0x1p", "1e")]
    [InlineData("%g %g %G %f %5.1f|\\n", "nan", "-nan", "NaN", "nan(123)", "+nan")]
    [InlineData("%f|%f|%f|%f\\n", " 1 ", "infinity", "INF", "-Infinity")]
    [InlineData("%u\\n", "9223372036854775808", "18446744073709551615", "-1", "-18446744073709551615", "-9223372036854775809")]
    [InlineData("%u\\n", "18446744073709551616", "99999999999999999999")]
    [InlineData("%u\\n", "-18446744073709551616")]
    [InlineData("%x %o %X %#x\\n", "-1", "99999999999999999999", "18446744073709551615", "-255")]
    [InlineData("%d\\n", "-9223372036854775809", "9223372036854775808", "-9223372036854775808")]
    public async Task Printf_Formats_MatchesCoreutilsPrintf(params string[] args)
        => await Gnu.SameAsync(() => new PrintfCommand(), "/usr/bin/printf", args, "");

    [Fact]
    public async Task Printf_NoArguments_FailsWithUsage()
    {
        await Gnu.SameAsync(() => new PrintfCommand(), "/usr/bin/printf", [], "");
        Streams.Testing.CommandOutcome outcome = await Gnu.RunOursAsync(new PrintfCommand(), [], []);
        Assert.Equal("printf: missing operand\nTry 'printf --help' for more information.\n", outcome.ErrorText);
    }
    /// <summary>%q quotes for the shell as GNU's printf does (gnulib's shell-escape quoting): random arguments from
    /// letters, every shell-special character, quotes, blanks, control characters and a non-ASCII letter, at every
    /// position (a '#' or '~' first, a brace alone), against /usr/bin/printf.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Printf_Q_QuotesLikeGnu(int seed)
    {
        var random = new Random(seed);
        const string alphabet = "ab9 '\"\\$`!&()*;<=>[]^|?{}#~@%+,-./:_\t\n\x01\x7fé";
        var args = new List<string> { "%q\n", string.Empty, "{", "}", "#", "~", "a#", "it's", "'", "''" };
        for (int n = 0; n < 200; n++)
        {
            int length = random.Next(1, 7);
            args.Add(string.Concat(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])));
        }

        await Gnu.SameAsync(() => new PrintfCommand(), "/usr/bin/printf", [.. args], "");
    }

    /// <summary>%q takes no flag, width, precision or length (GNU: "invalid conversion specification", status 1),
    /// is a conversion of its own in "%qd", and prints nothing for a missing argument. The last case is gnulib's
    /// second pass starting inside the $'…' segment the first ended in (an argument with a single quote that ends
    /// in a control character).</summary>
    [Theory]
    [InlineData("%10q|", "a")]
    [InlineData("%-q|", "a")]
    [InlineData("%.1q|", "a")]
    [InlineData("%lq|", "a")]
    [InlineData("%qd|", "5")]
    [InlineData("[%q]", "a b", "c")]
    [InlineData("[%q][%q]\n")]
    [InlineData("%q\n", "\x01'\x01", "a'\x01", "a'\x01b", "'a\x01")]
    public async Task Printf_QForms_LikeGnu(params string[] args)
        => await Gnu.SameAsync(() => new PrintfCommand(), "/usr/bin/printf", args, "");
}
