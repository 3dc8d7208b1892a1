using Streams.Testing;
using Streams.Modules.Text;

namespace Streams.Modules.Tests.Text;

public class SortTests
{
    [Theory]
    [InlineData("-h")]
    [InlineData("-hr")]
    [InlineData("-k1,1h")]
    [InlineData("-h", "-u")]
    [InlineData("-hs", "-k1,1")]
    [InlineData("--human-numeric-sort")]
    public async Task Sort_HumanNumbers_MatchesGnu(params string[] args)
    {
        // Units first (none, K or k, M, G, …; negative numbers the other way; a zero has none), then the number.
        string input = string.Join('\n', ["2K", "1G", "10", "0K", "-1M", "1.5M", "  3k", "100", "-2", "007", ".5K", "1Ki x", "9", "1T", "", "0.0G", "2K"]) + "\n";
        await Gnu.SameAsync(() => new SortCommand(), "sort", args, input);
        var random = new Random(42);
        string[] units = ["", "", "K", "k", "M", "G", "x", " "];
        string many = string.Concat(Enumerable.Range(0, 300).Select(_ => (random.Next(-50, 5000) / (random.Next(2) == 0 ? 1.0 : 10.0)).ToString(System.Globalization.CultureInfo.InvariantCulture) + units[random.Next(units.Length)] + "\n"));
        await Gnu.SameAsync(() => new SortCommand(), "sort", args, many);
    }

    [Theory]
    [InlineData("-M")]
    [InlineData("-Mr")]
    [InlineData("-k2,2M")]
    [InlineData("-M", "-u")]
    [InlineData("-Ms", "-k1,1")]
    [InlineData("-bM")]
    [InlineData("--month-sort")]
    public async Task Sort_Months_MatchesGnu(params string[] args)
    {
        // Unknown names first (and, without -s, by the whole line among themselves), then JAN … DEC in any case,
        // after blanks, whatever follows the third letter.
        string input = string.Join('\n', ["Dec 1", "jan", "  Feb x", "MAYDAY", "ju", "Jun", "\tjul", "xyz", "", "AUG", "sep 9", "Oct", "nov", "APRIL", "mar", "Jan 2", " dec"]) + "\n";
        await Gnu.SameAsync(() => new SortCommand(), "sort", args, input);
        var random = new Random(7);
        string[] names = ["jan", "FEB", "Mar", "apr", "May", "jun", "JUL", "aug", "sep", "oct", "nov", "dec", "ja", "foo", "", "jux", "Decimal"];
        string many = string.Concat(Enumerable.Range(0, 300).Select(i => (random.Next(3) == 0 ? " " : string.Empty) + names[random.Next(names.Length)] + " " + random.Next(40) + "\n"));
        await Gnu.SameAsync(() => new SortCommand(), "sort", args, many);
    }

    [Theory]
    [InlineData("-V")]
    [InlineData("-Vr")]
    [InlineData("-k2,2V")]
    [InlineData("-V", "-u")]
    [InlineData("-Vs", "-k1,1")]
    [InlineData("--version-sort")]
    public async Task Sort_Versions_MatchesGnu(params string[] args)
    {
        // Digit runs by value, "~" before the end, suffixes (.tar.gz) only break ties, "." and ".." and dot names
        // first, the empty line before all.
        string input = string.Join('\n', ["a-1.10", "a-1.9", "a-1.9~rc1", "a-1.09", "", ".", "..", ".hidden2", ".hidden10", "b.tar.gz", "b.tar", "b", "file10.txt", "file9.txt", "file9.txt.gz", "x~", "x", "1.2.3", "1.2.10", "v0", "v00", "z.1a", "~"]) + "\n";
        await Gnu.SameAsync(() => new SortCommand(), "sort", args, input);
        var random = new Random(11);
        string[] parts = ["a", "b", "Z", "-", ".", "~", "_", "0", "1", "9", "10", "007", ".tar", ".gz", "x1", " "];
        string many = string.Concat(Enumerable.Range(0, 400).Select(_ => string.Concat(Enumerable.Range(0, random.Next(0, 6)).Select(_ => parts[random.Next(parts.Length)])) + " " + random.Next(30) + "\n"));
        await Gnu.SameAsync(() => new SortCommand(), "sort", args, many);
    }

    [Theory]
    [InlineData("-R")]
    [InlineData("-R", "-k2,2")]
    [InlineData("-Rf")]
    [InlineData("-R", "-u")]
    public async Task Sort_Random_ShufflesButGroupsEqualKeys(params string[] args)
    {
        // The order is random (GNU's too), so compare what can be: the same lines as GNU's output, lines with equal
        // keys side by side, and an order that is not the sorted one.
        var random = new Random(5);
        string many = string.Concat(Enumerable.Range(0, 300).Select(i => $"k{random.Next(60)} {(random.Next(2) == 0 ? "A" : "a")}{random.Next(40)}\n"));
        string ours = (await Gnu.RunOursAsync(new SortCommand(), args, Gnu.Bytes(many))).Text;
        string gnu = (await StageHarness.RunReferenceAsync("sort", args, Gnu.Bytes(many), null)).Text;
        Assert.Equal(gnu.Split('\n').Order(StringComparer.Ordinal), ours.Split('\n').Order(StringComparer.Ordinal));
        string[] lines = ours.TrimEnd('\n').Split('\n');
        Func<string, string> keyOf = args.Contains("-k2,2") ? l => l.Split(' ')[1] : args.Contains("-Rf") ? l => l.ToUpperInvariant() : l => l;
        var seen = new HashSet<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            string k = keyOf(lines[i]);
            Assert.True(i == 0 || keyOf(lines[i - 1]) == k || seen.Add(k), $"key {k} appears apart");
            seen.Add(k);
        }

        Assert.NotEqual(lines.Order(StringComparer.Ordinal), lines);
    }

    [Fact]
    public async Task Sort_RandomSource_GivesTheSameOrderTwice()
    {
        string source = Path.GetTempFileName();
        await File.WriteAllBytesAsync(source, Enumerable.Range(0, 100).Select(i => (byte)(i * 7)).ToArray());
        string input = string.Concat(Enumerable.Range(0, 200).Select(i => $"line {i}\n"));
        string first = (await Gnu.RunOursAsync(new SortCommand(), ["-R", "--random-source=" + source], Gnu.Bytes(input))).Text;
        string second = (await Gnu.RunOursAsync(new SortCommand(), ["-R", "--random-source", source], Gnu.Bytes(input))).Text;
        File.Delete(source);
        Assert.Equal(first, second);
        Assert.NotEqual(input, first);
    }

    [Theory]
    [InlineData("-Rn")]
    [InlineData("-Vn")]
    [InlineData("-Mn")]
    [InlineData("-hM")]
    [InlineData("-gn")]
    [InlineData("-hn")]
    [InlineData("-dn")]
    [InlineData("-in")]
    [InlineData("-fgn")]
    [InlineData("-k1,1hn")]
    public async Task Sort_TwoOrderings_RefusedAsGnu(params string[] args)
        => await Gnu.SameAsync(() => new SortCommand(), "sort", args, "b\na\n", compareErrors: true);

    [Theory]
    [InlineData]
    [InlineData("-r")]
    [InlineData("-n")]
    [InlineData("-nr")]
    [InlineData("-u")]
    [InlineData("-f")]
    [InlineData("-fu")]
    [InlineData("-d")]
    [InlineData("-i")]
    [InlineData("-b")]
    [InlineData("-g")]
    [InlineData("-s", "-k1,1")]
    [InlineData("-k2")]
    [InlineData("-k2,2")]
    [InlineData("-k2,2n", "-k1,1r")]
    [InlineData("-t:", "-k2,2")]
    [InlineData("-t:", "-k3n", "-k1")]
    [InlineData("-t", ":", "-k2.2,2.3")]
    [InlineData("-k1.2b,1.3")]
    [InlineData("-bk2")]
    [InlineData("-k2bn")]
    [InlineData("-n", "-u")]
    [InlineData("-s", "-n")]
    [InlineData("-r", "-k2,2")]
    [InlineData("-k2,2", "-r")]
    [InlineData("-z")]
    [InlineData("-c")]
    [InlineData("-C")]
    public async Task Sort_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new SortCommand(), "sort", args);

    [Theory]
    [InlineData("-n", "1\n-1\n0\n-0\n.5\n-.5\n0.50\n00.5\n-\n.\n1e3\n+1\n 2\n\t3\n1,000\n10\n9\n")]
    [InlineData("-g", "1\n-1\n0\nnan\ninf\n-inf\n1e3\nx\n.5\n0x10\n")]
    [InlineData("-k2n", "a 10\nb 9\nc\nd -1\n")]
    [InlineData("-k3,3", "a b\nc d e\nf g h i\n")]
    [InlineData("-k1.3,1.2", "abcd\nabdc\nba\n")]
    [InlineData("-t,", "-k2,2", "-s", "x,b,1\ny,a,2\nz,b,0\nw,a,9\n")]
    [InlineData("-u", "-k1,1", "a 2\na 1\nb 3\na 0\n")]
    [InlineData("-t", "\\0", "a\0b\nc\0a\n")]
    [InlineData("-n", "1\u00802\n13\n\u0080\u00805\n4\n-\u00807\n1.\u00805\n")]
    [InlineData("-k2,2", "-k1,1n", "b 2\na 10\nc 2\nd 1\n")]
    [InlineData("-u", "-f", "a\nA\nb\nB\na\n")]
    [InlineData("-r", "-s", "-k1,1", "a 1\nb 1\na 2\nb 2\n")]
    public async Task Sort_NumbersAndKeys_MatchesGnu(params string[] argsAndInput)
        => await Gnu.SameAsync(() => new SortCommand(), "sort", argsAndInput[..^1], argsAndInput[^1]);

    [Theory]
    [InlineData(1, "-n")]
    [InlineData(2, "-rn")]
    [InlineData(3, "-n", "-u")]
    [InlineData(4, "-s", "-n")]
    [InlineData(5, "-k1,1n")]
    [InlineData(6, "-n", "-r", "-u")]
    public async Task Sort_NumericLines_MatchesGnu(int seed, params string[] args)
    {
        // Integers that take the precomputed-value path (leading blanks and zeros, '-', up to 18 digits, ties)
        // mixed with those that do not (decimals, 19+ digits, thousands bytes, no number at all).
        var rng = new Random(seed);
        string[] shapes = ["{0}", "-{0}", " {0}", "\t-{0}", "00{0}", "{0}.5", "{0}.", "-0", "0", "", "x{0}", "{0} tail", "{0}\u0080{0}", "-", "{0}{0}{0}{0}"];
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 400; i++)
        {
            long n = rng.Next(0, 4) switch
            {
                0 => rng.Next(0, 20),
                1 => rng.Next(),
                2 => rng.NextInt64(100_000_000_000_000_000L, 999_999_999_999_999_999L),
                _ => rng.NextInt64(),
            };
            string shape = shapes[rng.Next(shapes.Length)];
            text.Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, n)).Append('\n');
        }

        await Gnu.SameAsync(() => new SortCommand(), "sort", args, text.ToString());
    }

    [Theory]
    [InlineData("-k0")]
    [InlineData("-k1.0")]
    [InlineData("-t", "ab")]
    [InlineData("-x")]
    [InlineData("-k", "1,x")]
    public async Task Sort_BadArguments_FailWithStatusTwo(params string[] args)
        => await Gnu.SameAsync(() => new SortCommand(), "sort", args, "b\na\n");

    /// <summary>-g on numbers of thousands of digits, and past the 12,000 read exactly (the rest only count as
    /// zero or not): the same order as GNU's, in reasonable time.</summary>
    [Fact]
    public async Task Sort_GeneralNumbersOfManyDigits_MatchesGnu()
    {
        string ones = new('1', 12_100), nines = new('9', 4_000);
        string[] lines =
        [
            ones, ones + "2", "0." + ones, "0." + ones[..^1] + "2", ones + "e-12100", "1.1111111111111111111", nines, "1" + new string('0', 4_000),
            "0x" + new string('f', 12_100), "0x1" + new string('0', 12_100), "0." + new string('0', 12_100) + "1", "-" + ones, "2",
            "0.1" + new string('0', 12_100) + "1", "0.1" + new string('0', 12_100),
        ];
        string input = string.Join('\n', lines) + "\n";
        await Gnu.SameAsync(() => new SortCommand(), "sort", ["-g"], input);
        await Gnu.SameAsync(() => new SortCommand(), "sort", ["-gu"], input);
        await Gnu.SameAsync(() => new SortCommand(), "sort", ["-gsr"], input);
    }

    /// <summary>-S and --parallel are checked as GNU's xstrtoumax reads them (KiB by default, b, %, K…Q suffixes,
    /// a lone suffix meaning 1 of it; --parallel nonzero), with its messages. (A huge --parallel makes GNU allocate
    /// that many threads' worth and fail with "memory exhausted": we accept it.)</summary>
    [Theory]
    [InlineData("-S", "abc")]
    [InlineData("-S", "10x")]
    [InlineData("-S", "1M")]
    [InlineData("-S10%")]
    [InlineData("-S", "1")]
    [InlineData("-S", "0")]
    [InlineData("-S", "1b")]
    [InlineData("-S", "M")]
    [InlineData("-S", "b")]
    [InlineData("-S", "1MM")]
    [InlineData("-S", "1Z")]
    [InlineData("-S", "16E")]
    [InlineData("-S", "18014398509481984")]
    [InlineData("-S", "99999999999999999999")]
    [InlineData("-S", "-1")]
    [InlineData("-S", "")]
    [InlineData("-S", " +5k")]
    [InlineData("--buffer-size=2x")]
    [InlineData("--buffer-size=2G")]
    [InlineData("--parallel=0")]
    [InlineData("--parallel=x")]
    [InlineData("--parallel=2k")]
    [InlineData("--parallel=2")]
    [InlineData("--batch-size=1")]
    [InlineData("--batch-size=x")]
    [InlineData("--batch-size=2")]
    [InlineData("--batch-size=99999999999999999999")]
    [InlineData("--batch-size=999999999")]
    [InlineData("--batch-size=1k")]
    [InlineData("--compress-program=nonexistent")]
    public async Task Sort_SizeArguments_CheckedAsGnu(params string[] args)
        => await Gnu.SameAsync(() => new SortCommand(), "sort", args, "b\na\n", compareErrors: true);

    [Fact]
    public async Task Sort_FilesWithoutFinalNewline_JoinsEachAsALine()
    {
        using TempDirectory dir = Gnu.Files(("f1", "b\nd"), ("f2", "c\na"));
        await Gnu.SameAsync(() => new SortCommand(), "sort", ["f1", "-", "f2"], "e", dir.Path);
        await Gnu.SameAsync(() => new SortCommand(), "sort", ["f1", "nofile"], "", dir.Path, compareErrors: true);
    }

    [Fact]
    public async Task Sort_OutputOption_WritesTheFileInPlace()
    {
        using TempDirectory dir = Gnu.Files(("f", "b\na\nc\n"));
        Streams.Testing.CommandOutcome outcome = await Streams.Testing.StageHarness.RunAsync(new SortCommand(), ["-o", "f", "f"], [], dir.Path);
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Empty(outcome.Stdout);
        Assert.Equal("a\nb\nc\n", File.ReadAllText(Path.Combine(dir.Path, "f")));
    }

    [Fact]
    public async Task Sort_RandomInputs_MatchesGnu()
    {
        var random = new Random(20261124);
        string[][] options =
        [
            [], ["-n"], ["-r"], ["-u"], ["-f"], ["-k2"], ["-k2,2n", "-k1,1r"], ["-t:", "-k2"], ["-s", "-k1,1"], ["-b", "-k1.2"],
            ["-nu"], ["-fu"], ["-g"], ["-d"], ["-k1n,1", "-s"],
        ];
        for (int round = 0; round < 60; round++)
        {
            string input = Gnu.RandomLines(random, random.Next(0, 40));
            await Gnu.SameAsync(() => new SortCommand(), "sort", options[round % options.Length], input);
        }
    }

    /// <summary>A sort without keys compares the first eight bytes of lines as one number (zeros past a line's end)
    /// and the rest only when those are equal: lines of 0–12 bytes from a tiny alphabet with NUL, a high byte and
    /// a blank share prefixes of every length, so every branch (shorter line, equal line, rest decides) is
    /// taken. Property test against GNU over several seeds, small inputs and one past the parallel threshold.</summary>
    /// <remarks>The radix sort of whole lines (LineRadix) takes eight bytes per round: with
    /// <paramref name="shared"/>, lines start with one of a few long common starts (7 to 41 bytes), so runs of
    /// equal bytes go through several rounds and past the last one.</remarks>
    [Theory]
    [InlineData(1, 1500, false)]
    [InlineData(2, 1500, false)]
    [InlineData(3, 1500, false)]
    [InlineData(4, 200_000, false)]
    [InlineData(5, 3000, true)]
    [InlineData(6, 150_000, true)]
    public async Task Sort_WholeLinesSharingPrefixes_SameAsGnu(int seed, int count, bool shared)
    {
        var random = new Random(seed);
        const string alphabet = "ab\0\u0001\u00ff ";
        string[] starts = [.. new[] { 0, 7, 8, 9, 16, 17, 24, 31, 32, 33, 41 }.Select(n => new string('k', n - (n / 3)) + new string('\u00ff', n / 3))];
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < count; i++)
        {
            if (shared)
            {
                text.Append(starts[random.Next(starts.Length)]);
            }

            int length = random.Next(13);
            for (int j = 0; j < length; j++)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            text.Append('\n');
        }

        string input = text.ToString();
        foreach (string[] args in new[] { Array.Empty<string>(), ["-u"], ["-s"], ["-z"], ["-uz"] })
        {
            await Gnu.SameAsync(() => new SortCommand(), "sort", args, input);
        }

        // Already sorted, and sorted backwards: the merge's in-order shortcut and its opposite.
        string sorted = string.Concat(input.Split('\n', StringSplitOptions.None)[..^1].Order(StringComparer.Ordinal).Select(line => line + "\n"));
        await Gnu.SameAsync(() => new SortCommand(), "sort", [], sorted);
        await Gnu.SameAsync(() => new SortCommand(), "sort", [], string.Concat(sorted.Split('\n')[..^1].Reverse().Select(line => line + "\n")));
    }

    /// <summary>sort -n on keys that are all plain integers goes by a radix sort on their values, then orders equal
    /// values by the whole line (unless -s or -u): negative and 18-digit values, leading zeros and text after the
    /// number make equal values with different lines; with <paramref name="mixed"/> some keys are not plain
    /// integers (decimals, blanks, nothing), which takes the comparison sort instead. Against GNU.</summary>
    [Theory]
    [InlineData(1, 2000, false)]
    [InlineData(2, 2000, true)]
    [InlineData(3, 150_000, false)]
    public async Task Sort_IntegerKeys_SameAsGnu(int seed, int count, bool mixed)
    {
        var random = new Random(seed);
        string[] tails = ["", "", "", " x", " a", " 0"];
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < count; i++)
        {
            long value = random.Next(4) switch
            {
                0 => random.Next(-50, 50),
                1 => random.Next(2000),
                2 => random.NextInt64(-999_999_999_999_999_999, 999_999_999_999_999_999),
                _ => random.Next(70_000) * 1_000_000L,
            };
            string number = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (random.Next(8) == 0 && value >= 0)
            {
                number = "00" + number;
            }

            if (mixed && random.Next(10) == 0)
            {
                number = random.Next(3) switch { 0 => value + ".5", 1 => " " + number, _ => string.Empty };
            }

            text.Append(i % 3 == 0 ? "k," : "j,").Append(number).Append(tails[random.Next(tails.Length)]).Append('\n');
        }

        string keyed = text.ToString();
        string bare = string.Concat(keyed.Split('\n')[..^1].Select(line => line[2..] + "\n"));
        foreach (string[] args in new string[][] { ["-n"], ["-ns"], ["-nu"], ["-rn"], ["-n", "-r", "-s"] })
        {
            await Gnu.SameAsync(() => new SortCommand(), "sort", args, bare);
        }

        await Gnu.SameAsync(() => new SortCommand(), "sort", ["-t", ",", "-k2,2n"], keyed);
        await Gnu.SameAsync(() => new SortCommand(), "sort", ["-t", ",", "-k2n", "-u"], keyed);
    }

    [Fact]
    public async Task Sort_LargeInput_SortsInParallelLikeGnu()
    {
        var random = new Random(7);
        string input = Gnu.RandomLines(random, 300_000);
        await Gnu.SameAsync(() => new SortCommand(), "sort", [], input);
        await Gnu.SameAsync(() => new SortCommand(), "sort", ["-k2,2n", "-s"], input);
    }

    /// <summary>-m merges the inputs as they are: sorted ones into one sorted output, unsorted ones into what
    /// GNU's merge makes of them (not their sort).</summary>
    [Theory]
    [InlineData("-m", "s1", "s2")]
    [InlineData("-m", "u1", "u2")]
    [InlineData("-m", "u1", "s1", "u2")]
    [InlineData("-m", "u1")]
    [InlineData("-mu", "u1", "u2", "s1")]
    [InlineData("-m", "-u", "s1", "s2", "s1")]
    [InlineData("-mr", "u2", "u1")]
    [InlineData("-mn", "n1", "n2")]
    [InlineData("-mn", "-s", "n2", "n1")]
    [InlineData("-m", "-k2", "u1", "u2")]
    [InlineData("-m", "-t", " ", "-k2,2", "-s", "u1", "u2")]
    [InlineData("-m", "u1", "-", "u2")]
    [InlineData("-m", "e", "u1", "e")]
    [InlineData("-m", "nolf", "u1")]
    [InlineData("-m", "-o", "u1", "u1", "u2")]
    public async Task Sort_Merge_MatchesGnu(params string[] args)
    {
        (string, string)[] files =
        [
            ("s1", "a\nb b\nc\nc\nx 1\n"), ("s2", "a\nb a\nd\nx 0\n"),
            ("u1", "z 1\nb 9\nq 2\na 7\nb 9\nc\n"), ("u2", "m 3\nc 1\ny 0\nb 9\nA\n"),
            ("n1", "10 a\n2 b\n2 a\n-1\n"), ("n2", "3\n1 x\n20\n2 c\n"), ("e", ""), ("nolf", "k\nb"),
        ];
        using TempDirectory gnuDir = Gnu.Files(files);
        using TempDirectory ourDir = Gnu.Files(files);
        CommandOutcome gnu = await StageHarness.RunReferenceAsync("sort", args, "w\nd 5\na\n"u8.ToArray(), gnuDir.Path);
        CommandOutcome ours = await Gnu.RunOursAsync(new SortCommand(), args, "w\nd 5\na\n"u8.ToArray(), ourDir.Path);
        Assert.Equal(gnu.Text, ours.Text);
        Assert.Equal(gnu.ExitStatus, ours.ExitStatus);
        Assert.Equal(File.ReadAllText(Path.Combine(gnuDir.Path, "u1")), File.ReadAllText(Path.Combine(ourDir.Path, "u1")));
    }

    /// <summary>A line beyond what one array holds (2 GiB; for -m, the whole input) ends with a message naming
    /// sort and status 2, not a .NET exception's text; the limit is lowered so that a few bytes pass it.</summary>
    [Theory]
    [InlineData]
    [InlineData("-m")]
    [InlineData("-n")]
    public async Task Sort_InputOverTheMemoryLimit_FailsWithAClearMessage(params string[] args)
    {
        byte[] input = System.Text.Encoding.ASCII.GetBytes(new string('7', 150) + "\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i * 7 % 100}\n")));
        CommandOutcome outcome = await Gnu.RunOursAsync(new SortCommand { MemoryLimit = 100 }, args, input);
        Assert.Equal(2, outcome.ExitStatus);
        Assert.Empty(outcome.Stdout);
        Assert.StartsWith("sort: input too large for memory (more than ", outcome.ErrorText, StringComparison.Ordinal);
        Assert.EndsWith("; the limit is 0.0 GiB)\n", outcome.ErrorText, StringComparison.Ordinal);

        CommandOutcome fits = await Gnu.RunOursAsync(new SortCommand { MemoryLimit = input.Length }, args, input);
        Assert.Equal(0, fits.ExitStatus);
    }
}
