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

            // A trailing slash matches directories only and keeps the slash.
            Assert.Equal(["d1/"], Glob.Expand("*/", dir));
            Assert.Equal(["d1/"], Glob.Expand("d*/", dir));
            Assert.Empty(Glob.Expand("a.txt/", dir));
            Assert.Equal(["d1/"], Glob.Expand("d1/", dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Match_AgreesWithBashCase_OnRandomPatterns()
    {
        // Patterns of stars, ?, sets, negated sets and POSIX classes against short names, decided by bash's `case`
        // in one run (bash -c with LC_ALL=C), then by Glob.Match.
        string[] atoms = ["a", "b", "1", "*", "*", "?", "[ab]", "[!a]", "[^b1]", "[[:alpha:]]", "[[:digit:]]", "[a[:digit:]]", "[!.[:lower:]]", "[a-b]"];
        string[] letters = ["a", "b", "1", "c", "."];
        var random = new Random(20261204);
        var cases = new List<(string Pattern, string Name)>();
        for (int n = 0; n < 400; n++)
        {
            var pattern = new System.Text.StringBuilder();
            int length = random.Next(1, 6);
            for (int i = 0; i < length; i++)
            {
                pattern.Append(atoms[random.Next(atoms.Length)]);
            }

            var name = new System.Text.StringBuilder();
            int nameLength = random.Next(0, 7);
            for (int i = 0; i < nameLength; i++)
            {
                name.Append(letters[random.Next(letters.Length)]);
            }

            cases.Add((pattern.ToString(), name.ToString()));
        }

        var script = new System.Text.StringBuilder();
        foreach ((string pattern, string name) in cases)
        {
            script.Append("case '").Append(name).Append("' in ").Append(pattern).Append(") echo 1;; *) echo 0;; esac\n");
        }

        var start = new System.Diagnostics.ProcessStartInfo("/bin/bash", ["-c", script.ToString()]) { RedirectStandardOutput = true };
        start.Environment["LC_ALL"] = "C";
        using var bash = System.Diagnostics.Process.Start(start)!;
        string[] answers = bash.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(bash.WaitForExit(30_000));
        Assert.Equal(cases.Count, answers.Length);
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.True(Glob.Match(cases[i].Pattern, cases[i].Name) == (answers[i] == "1"), $"pattern {cases[i].Pattern} name '{cases[i].Name}': bash says {answers[i]}");
        }
    }

    [Fact]
    public void Match_ManyStars_OnALongName()
    {
        // Each '*' retried at every position would take C(200, 12) steps; only the last one is retried.
        Assert.False(Glob.Match("*a*a*a*a*a*a*a*a*a*a*a*b", new string('a', 200)));
        Assert.True(Glob.Match("*a*a*a*a*a*a*a*a*a*a*a*b", new string('a', 200) + "b"));
    }
}
