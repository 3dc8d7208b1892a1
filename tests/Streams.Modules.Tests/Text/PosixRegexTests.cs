using System.IO.Pipelines;
using Streams.Modules.Text;
using Streams.Modules.Text.Internal;
using Streams.Modules.Text.Regex;

namespace Streams.Modules.Tests.Text;

public sealed partial class PosixRegexTests
{
    private static (int Start, int End) Find(string pattern, string text, PosixSyntax syntax = PosixSyntax.Basic, int startAt = 0)
    {
        PosixRegex regex = PosixRegex.Create([pattern], syntax);
        int[] captures = new int[2 * (regex.GroupCount + 1)];
        return regex.Match(text, startAt, captures) ? (captures[0], captures[1]) : (-1, -1);
    }

    [Theory]
    [InlineData("a|ab", "xabc", 1, 3)]
    [InlineData("a|ab|abc", "abcd", 0, 3)]
    [InlineData("a*(ab)*", "aabab", 0, 5)]
    [InlineData("(a|ab)(c|bcd)", "abcd", 0, 4)]
    [InlineData("x*", "abc", 0, 0)]
    [InlineData("(foo|foobar)baz|foob", "foobarbaz", 0, 9)]
    [InlineData("b+|ab", "aab", 1, 3)]
    [InlineData("(a|b)*c|ab", "abab", 0, 2)]
    [InlineData("\\<(a|ab)\\>", "ab a", 0, 2)]
    [InlineData("zz|z", "azzz", 1, 3)]
    public void Match_Alternation_LeftmostLongest(string pattern, string text, int start, int end)
        => Assert.Equal((start, end), Find(pattern, text, PosixSyntax.Extended));

    [Fact]
    public void Match_Groups_CapturePositions()
    {
        PosixRegex regex = PosixRegex.Create(["(a|ab)(c|bcd)(x)?"], PosixSyntax.Extended);
        int[] c = new int[2 * (regex.GroupCount + 1)];
        Assert.True(regex.Match("abcd", 0, c));
        Assert.Equal([0, 4, 0, 1, 1, 4, -1, -1], c);
    }

    [Theory]
    [InlineData("*a", "x*a", 1, 3)]
    [InlineData("\\(*a\\)", "x*a", 1, 3)]
    [InlineData("^*", "*x", 0, 1)]
    [InlineData("a\\|*b", "*b", 0, 2)]
    [InlineData("\\{1\\}", "x{1}", 1, 4)]
    [InlineData("a^b", "a^b", 0, 3)]
    [InlineData("a$b", "a$b", 0, 3)]
    [InlineData("[]a]*", "]a]b", 0, 3)]
    [InlineData("[^]a]", "]ab", 2, 3)]
    [InlineData("[a-]*", "a-a-b", 0, 4)]
    [InlineData("[[:digit:][:upper:]]\\+", "abC12d", 2, 5)]
    [InlineData("[[.-.]]", "a-b", 1, 2)]
    [InlineData("[[=a=]]", "ba", 1, 2)]
    [InlineData("a\\{2,3\\}", "aaaa", 0, 3)]
    [InlineData("a\\{,2\\}b", "aaab", 1, 4)]
    [InlineData("\\(ab\\)\\1", "xababx", 1, 5)]
    [InlineData("\\bfoo\\b", "afoo foo", 5, 8)]
    [InlineData("\\Boo", "foo", 1, 3)]
    [InlineData("\\w\\+", "  ab_9-", 2, 6)]
    [InlineData("\\W", "ab c", 2, 3)]
    [InlineData("\\s\\S", "a b", 1, 3)]
    [InlineData("a\\+b\\?", "xaab", 1, 4)]
    [InlineData("x\\|y\\|zz", "zzy", 0, 2)]
    [InlineData("\\.", "a.b", 1, 2)]
    [InlineData("a\\{1\\}\\{2\\}", "aaa", 0, 2)]
    [InlineData("\\`a", "aa", 0, 1)]
    [InlineData("a\\'", "aa", 1, 2)]
    public void Match_GnuBasicSyntax_Expected(string pattern, string text, int start, int end)
        => Assert.Equal((start, end), Find(pattern, text));

    [Theory]
    [InlineData("*a", "a", 0, 1)]
    [InlineData("a{1", "a{1", 0, 3)]
    [InlineData("a)", "a)", 0, 2)]
    [InlineData("()a", "ba", 1, 2)]
    [InlineData("a||b", "b", 0, 1)]
    [InlineData("a**", "aa", 0, 2)]
    [InlineData("a+?", "aa", 0, 2)]
    [InlineData("^a|b$", "ab", 0, 1)]
    [InlineData("x{,2}y", "xxxy", 1, 4)]
    [InlineData("\\{", "{", 0, 1)]
    public void Match_GnuExtendedSyntax_Expected(string pattern, string text, int start, int end)
        => Assert.Equal((start, end), Find(pattern, text, PosixSyntax.Extended));

    [Fact]
    public void Match_StartAtLaterPosition_AnchorsSeeWholeText()
    {
        Assert.Equal((-1, -1), Find("^a", "aa", startAt: 1));
        Assert.Equal((4, 5), Find("\\<b", "bab b", startAt: 1));
    }

    [Fact]
    public void Match_IgnoreCase_AsciiOnly()
    {
        Assert.Equal((0, 3), Find("abc", "ABC", PosixSyntax.IgnoreCase));
        Assert.Equal((1, 2), Find("[^a]", "Ab", PosixSyntax.IgnoreCase));
        Assert.Equal((-1, -1), Find("\u00e9", "\u00c9", PosixSyntax.IgnoreCase));
        Assert.Equal((0, 2), Find("[[:lower:]]*", "aB", PosixSyntax.IgnoreCase));
    }

    [Fact]
    public void Match_LongRepetitionChain_NoStackOverflow()
    {
        Assert.Equal((1, 5), Find("a\\{0,30000\\}b\\|x", "yaaab"));
        Assert.Equal((0, 3), Find("\\(a\\|b\\)\\{0,20000\\}", "abac"));
    }

    [Fact]
    public void Match_Fixed_EveryCharLiteral()
        => Assert.Equal((1, 5), Find("a.*[", "xa.*[", PosixSyntax.Fixed));

    [Fact]
    public void Match_SedEscapes_NameChars()
    {
        Assert.Equal((1, 3), Find("\\n\\t", "a\n\tb", PosixSyntax.SedEscapes));
        Assert.Equal((0, 2), Find("\\x41\\o102", "AB", PosixSyntax.SedEscapes));
        Assert.Equal((0, 1), Find("\\d065", "A", PosixSyntax.SedEscapes));
    }

    [Fact]
    public void Match_SeveralPatterns_BackReferencesStayWithTheirPattern()
    {
        PosixRegex regex = PosixRegex.Create(["\\(x\\)\\1", "\\(a\\)\\1"], PosixSyntax.Basic);
        Assert.Equal(2, regex.GroupCount);
        Assert.True(regex.IsMatch("baab"));
        Assert.False(regex.IsMatch("abab"));
    }

    [Theory]
    [InlineData("\\(a", 0, "Unmatched ( or \\(")]
    [InlineData("(a", 1, "Unmatched ( or \\(")]
    [InlineData("a\\)", 0, "Unmatched ) or \\)")]
    [InlineData("[a", 0, "Unmatched [, [^, [:, [., or [=")]
    [InlineData("[[:alpha:]", 0, "Unmatched [, [^, [:, [., or [=")]
    [InlineData("[[:nope:]]", 0, "Invalid character class name")]
    [InlineData("[:alpha:]", 0, "character class syntax is [[:space:]], not [:space:]")]
    [InlineData("a\\{1", 0, "Unmatched \\{")]
    [InlineData("a\\{x\\}", 0, "Invalid content of \\{\\}")]
    [InlineData("a\\{2,1\\}", 0, "Invalid content of \\{\\}")]
    [InlineData("a{2,1}", 1, "Invalid content of \\{\\}")]
    [InlineData("a\\", 0, "Trailing backslash")]
    [InlineData("\\(a\\)\\2", 0, "Invalid back reference")]
    [InlineData("[z-a]", 0, "Invalid range end")]
    [InlineData("a\\{99999\\}", 0, "Regular expression too big")]
    public void Create_InvalidPattern_GnuMessage(string pattern, int syntax, string message)
    {
        PosixRegexException ex = Assert.Throws<PosixRegexException>(() => PosixRegex.Create([pattern], (PosixSyntax)syntax));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public async Task Match_OnlyMatchingPairs_SameAsGnuGrep()
    {
        (string Pattern, string Text)[] basic =
        [
            ("a*", "baaac aa"), ("\\(a\\|ab\\)\\(c\\|bcd\\)", "abcd abc"), ("x*\\|b", "abxb"), ("[[:alpha:]]*[0-9]", "ab1 c22"),
            ("\\(ab\\)*c", "ababcabc"), ("\\<\\w*\\>", "one two_2 three"), ("a\\{2\\}\\|a", "aaaaa"), ("\\(a*\\)*b", "aab ab b"),
            ("[^ ]*", "x yy  zzz"), (".\\|..", "abcde"), ("\\(\\)", "ab"), ("a\\?\\(ab\\)\\?", "aab ab"),
        ];
        foreach ((string pattern, string text) in basic)
        {
            await GrepReference.AssertSameAsync(() => new GrepCommand(), "grep", ["-o", pattern], GrepReference.Bytes(text + "\n"));
        }

        (string Pattern, string Text)[] extended =
        [
            ("(a|ab)(c|bcd)(d*)", "abcd abcdd"), ("a*(ab)*", "aabab"), ("(wee|week)(knights|night)", "weeknights"),
            ("(.*)(x|xy)z", "axyzxz"), ("[0-9]+|[0-9]+\\.[0-9]+", "1.25 3 4.5."), ("(a|b|ab|ba)+", "abab ba"),
            ("x{0,3}y?|xy", "xxxxy"), ("()|a", "aa"),
        ];
        foreach ((string pattern, string text) in extended)
        {
            await GrepReference.AssertSameAsync(() => new GrepCommand(), "grep", ["-Eo", pattern], GrepReference.Bytes(text + "\n"));
        }
    }

    [Fact]
    public async Task GrepSedLines_AnyChunking_SameBlocks()
    {
        var random = new Random(5);
        for (int round = 0; round < 50; round++)
        {
            byte[] data = new byte[random.Next(0, 5000)];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = random.Next(8) == 0 ? (byte)'\n' : (byte)random.Next(256);
            }

            var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 16));
            int pos = 0;
            while (pos < data.Length)
            {
                int n = Math.Min(random.Next(1, 300), data.Length - pos);
                await pipe.Writer.WriteAsync(data.AsMemory(pos, n));
                pos += n;
            }

            await pipe.Writer.CompleteAsync();
            var lines = new GrepSedLines(pipe.Reader);
            var seen = new List<byte>();
            while (true)
            {
                (int offset, int length) = await lines.ReadBlockAsync();
                if (length == 0)
                {
                    break;
                }

                ReadOnlySpan<byte> block = lines.Buffer.AsSpan(offset, length);
                seen.AddRange(block.ToArray());
                Assert.True(block[^1] == (byte)'\n' || seen.Count == data.Length);
            }

            Assert.Equal(data, seen.ToArray());
        }
    }
}
