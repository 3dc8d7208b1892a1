using System.Text;
using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

/// <summary>Nested repetitions such as <c>(a*)*b</c>, which took a backtracking engine exponential time in the
/// length of a line of <c>a</c>s (26 of them took 10 s): grep and sed must answer as GNU does on lines far too
/// long for that (40 to 5000 chars), within the differential harness's timeout.</summary>
public sealed partial class PosixRegexTests
{
    /// <summary>Lines of <c>a</c>s with and without a final <c>b</c>, and mixed ones.</summary>
    private static readonly string[] NestedLines =
    [
        new string('a', 40), new string('a', 41) + "b", new string('a', 5000), new string('a', 5000) + "b",
        "b" + new string('a', 60), new string('a', 45) + "c" + new string('a', 45) + "b", "aab " + new string('a', 50) + " ab",
    ];

    public static TheoryData<string[]> NestedGrepArgs() =>
    [
        ["-E", "(a*)*b"], ["\\(a*\\)*b"], ["-E", "(a+)+b"], ["-E", "(.*)*b"], ["\\(.*\\)*b"], ["-E", "(a|aa)*b"],
        ["-E", "(a|a)*b"], ["-E", "((a*)*|c)*b"], ["-E", "(a*)*(a+)+$"], ["-oE", "(a*)*b"], ["-o", "\\(a*\\)*b"],
        ["-oE", "(a+)+b"], ["-oE", "(.*)*b"], ["-oE", "(a|aa)+"], ["-cE", "(a*)*b"], ["-vE", "(a+)+b"], ["-xE", "(a*)*b"],
        ["-xE", "(a+)+"], ["-wE", "(a*)*b"], ["-woE", "(a+)+b?"], ["-nE", "(a*)*b", "-e", "x"], ["-E", "(a*)*\\<b"],
        ["-oE", "(a*)*b\\>"],
    ];

    public static TheoryData<string[]> NestedSedArgs() =>
    [
        ["-E", "s/(a*)*b/<\\1>/"], ["s/\\(a*\\)*b/<\\1>/g"], ["-E", "s/(a+)+b/[&|\\1]/g"], ["-E", "s/(.*)*b/X/"],
        ["-E", "s/(a|aa)*b/<\\1>/"], ["-nE", "/(a*)*b/p"], ["-E", "/(a+)+b/d"], ["-E", "s/(a*)*/{\\1}/g"],
        ["-E", "s/((a*)*|c)*b/<\\1\\2>/"], ["-E", "s/(a*)*\\bb/<&>/"],
    ];

    [Theory]
    [MemberData(nameof(NestedGrepArgs))]
    public async Task Grep_NestedRepetitionOnLongLines_SameAsGnu(string[] args)
        => await Differential.AssertSameAsync("grep", args, NestedInputs());

    [Theory]
    [MemberData(nameof(NestedSedArgs))]
    public async Task Sed_NestedRepetitionOnLongLines_SameAsGnu(string[] args)
        => await Differential.AssertSameAsync("sed", args, NestedInputs());

    /// <summary>Random patterns built from nested repetitions, on random short lines (submatches, -o, -w, -x).</summary>
    /// <remarks>Left out: a repeated alternative that can be empty, as in <c>(b*|a)+</c>, whose last iteration
    /// glibc takes to be an empty one after the last char (<c>\1</c> is empty on <c>abab</c>) where the Pike VM keeps
    /// the last non-empty one (<c>b</c>); the match itself is the same.</remarks>
    [Fact]
    public async Task GrepSed_RandomNestedRepetitions_SameAsGnu()
    {
        var random = new Random(2612);
        string[] atoms = ["(a*)*", "(a|ab)*", "(b|a)+", "((a)|b)*", "(a+)+", "(.*)*", "(a*b*)*", "a", "b", "c", "(ab|a)", "[ab]*"];
        string alphabet = "aabbc ";
        var input = new StringBuilder();
        for (int i = 0; i < 60; i++)
        {
            int length = random.Next(0, 16);
            for (int j = 0; j < length; j++)
            {
                input.Append(alphabet[random.Next(alphabet.Length)]);
            }

            input.Append('\n');
        }

        byte[] text = Differential.Bytes(input.ToString());
        string[][] grepModes = [["-oE"], ["-cE"], ["-xE"], ["-wE"], ["-woE"]];
        var differences = new List<Task<string?>>();
        for (int p = 0; p < 60; p++)
        {
            var pattern = new StringBuilder();
            int count = random.Next(1, 4);
            for (int k = 0; k < count; k++)
            {
                pattern.Append(atoms[random.Next(atoms.Length)]);
            }

            differences.Add(Differential.CompareAsync("grep", [.. grepModes[p % grepModes.Length], pattern.ToString()], text));
            differences.Add(Differential.CompareAsync("sed", ["-E", $"s/{pattern}/[&|\\1]/g"], text));
        }

        Differential.AssertNone(await Task.WhenAll(differences));
    }

    /// <summary>grep -c counts a big file in parts on several threads: the Pike VM (here for a pattern with word
    /// assertions and an alternation) must not be shared between them.</summary>
    [Fact]
    public async Task Grep_CountInPartsWithPikeVm_SameAsGnu()
    {
        var text = new StringBuilder();
        for (int i = 0; text.Length < 12_000_000; i++)
        {
            text.Append("line ").Append(i).Append(i % 997 == 0 ? " needle aab\n" : i % 3 == 0 ? " needles\n" : " hay aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
        }

        string dir = Directory.CreateTempSubdirectory("regex-parts").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "in"), text.ToString(), Encoding.Latin1);
            await GrepReference.AssertSameAsync(() => new GrepCommand(), "grep", ["-c", "-w", "-E", "needle|nothing", "in"], [], dir);
            await GrepReference.AssertSameAsync(() => new GrepCommand(), "grep", ["-c", "-E", "(a*)*b", "in"], [], dir);
            await GrepReference.AssertSameAsync(() => new GrepCommand(), "grep", ["-c", "\\<\\(a\\|aa\\)*b", "in"], [], dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Every line alone (so that the status says whether that line matched), then all of them at once.</summary>
    private static IEnumerable<byte[]> NestedInputs()
        => NestedLines.Select(line => Differential.Bytes(line + "\n")).Append(Differential.Bytes(string.Join("\n", NestedLines) + "\n"));
}
