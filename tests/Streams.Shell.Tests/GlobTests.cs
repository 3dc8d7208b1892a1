using Streams.Shell.Execution;

namespace Streams.Shell.Tests;

public class GlobTests
{
    [Theory]
    [InlineData("*", "abc", true)]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("a*c", "abcd", false)]
    [InlineData("?b?", "abc", true)]
    [InlineData("?", "", false)]
    [InlineData("[abc]x", "bx", true)]
    [InlineData("[a-c]x", "dx", false)]
    [InlineData("[!a-c]x", "dx", true)]
    [InlineData("[^a]", "a", false)]
    [InlineData("[]]", "]", true)]
    [InlineData("[", "[", true)]
    [InlineData("a\\*", "a*", true)]
    [InlineData("a\\*", "ab", false)]
    [InlineData("*.txt", "notes.txt", true)]
    [InlineData("**a", "bba", true)]
    public void Match_FollowsShellPatternRules(string pattern, string name, bool matches)
    {
        Assert.Equal(matches, Glob.Match(pattern, name));
    }

    [Fact]
    public void Expand_SortsOrdinally_SkipsHidden_KeepsRelativePaths()
    {
        string dir = Directory.CreateTempSubdirectory("streams-glob").FullName;
        try
        {
            foreach (string name in new[] { "b.txt", "B.txt", "a.txt", ".h.txt", "c.log" })
            {
                File.WriteAllText(Path.Combine(dir, name), "");
            }

            Directory.CreateDirectory(Path.Combine(dir, "d1"));
            File.WriteAllText(Path.Combine(dir, "d1", "x.txt"), "");
            Assert.Equal(["B.txt", "a.txt", "b.txt"], Glob.Expand("*.txt", dir));
            Assert.Equal([".h.txt"], Glob.Expand(".*.txt", dir));
            Assert.Equal(["d1/x.txt"], Glob.Expand("*/*.txt", dir));
            Assert.Equal([dir + "/a.txt"], Glob.Expand(dir + "/a.*", "/"));
            Assert.Empty(Glob.Expand("*.none", dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
