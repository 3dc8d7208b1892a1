using System.Globalization;
using System.Text;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

/// <summary>A seeded differential fuzzer for sort's option combinations, and for uniq fed by sort, against GNU
/// (LC_ALL=C): global orderings (-n -r -u -s -f -b -g -h -M -V -d -i), -t with plain, regex-ish, blank, tab and
/// NUL separators, one to three -k KEYDEFs with field and character positions and per-key flags, -o FILE (also
/// onto an input), -c and -C, -m over pre-sorted files, -z, long spellings (--key=, --sort=WORD, --check=WORD …)
/// and arguments GNU refuses, on random lines biased towards numbers, repeated keys, mixed case, blanks, empty
/// lines and fields, CRLF, NUL and bytes above 0x7f, long fields and a missing final newline.</summary>
/// <remarks>Each case compares stdout, the exit status and, for -o, the file written (each side runs in a
/// directory of its own); -c's message on stderr is not compared. Where sort's output matches, uniq with random
/// options is run on it. The files of -m are first sorted by GNU sort with the case's ordering options.
/// <c>STREAMS_SORT_FUZZ_SEED</c> and <c>STREAMS_SORT_FUZZ_CASES</c> override the seed and the number of cases,
/// and <c>STREAMS_SORT_FUZZ_OUT</c> names a file to receive every difference (the failure message shows six).
/// <para>Left out on purpose: NaN under -g. GNU orders NaNs by memcmp of the whole 16-byte long double, of which
/// only 10 bytes are the value and the rest whatever was on the stack: two "nan" lines are never equal for -gu
/// (both are kept) and "-nan" sorts after "nan"; we rank every NaN alike, after the non-numbers and before the
/// numbers, and do not mimic the padding bytes. A huge --parallel, with which GNU fails allocating ("memory
/// exhausted"), is not generated either.</para>
/// <para>Not generated, as outside what ours does: -R and --random-source (random by design; GNU hashes keys with
/// MD5, we with XxHash3; SortTests checks the grouping of equal keys), --debug, --files0-from,
/// --compress-program and --batch-size (ours refuses them), and uniq's -z (sort's -z output is not generated).</para></remarks>
public sealed class SortFuzzTests
{
    /// <summary>Separators for -t: plain, regex-ish (as a character they mean nothing special), blank, tab and NUL.</summary>
    private static readonly string[] Separators = [":", ",", ".", "*", "|", "[", "\\", " ", "\t", "a", "\\0"];

    /// <summary>Field contents, biased towards numbers: signs, leading blanks, decimals, -0, +1, 1e3, 1,000.</summary>
    private static readonly string[] Pieces =
    [
        "0", "1", "2", "9", "10", "007", "-1", "-0", "+1", "1.5", "1.50", ".5", "-.5", "1e3", "1,000", "12",
        " 3", "  -2", "\t4", "-", ".", "1.", "100", "99", "-10", "2K", "1M", "nan", "inf", "-inf", "0x10",
        "a", "A", "b", "B", "abc", "Abc", "ABC", "x", "jan", "FEB", "1.2.10", "v2", "a b", "\x80", "\xe9", "\xff",
        "\xc3\xa9", "", "", "_", "z9", "Z",
        "-00", "0.0", "-0.0", "00.50", "1.2e+3", "+.5", "1e", "e5", "1.5k", "2k", "1\x80000", "12345678901234567890",
        "12345678901234567891", "-99999999999999999999", "1e400", "1e-400", "0.1000000000000000001", "0x1p3", "0x1.8p1",
        " dec", "Jan", "MARCH", "1.2.3~rc1", "file10.txt", "file9.txt", "\x7f", "\x01", "~", "a-1", "+", "--1", "a\0b", "\0",
    ];

    /// <summary>Odd arguments, most of which GNU refuses with status 2: bad KEYDEFs, bad or conflicting separators,
    /// a missing argument, an unknown option, -c with -o or with a second file, bad -S and --parallel values.</summary>
    private static readonly string[][] UsageErrors =
    [
        ["-k0"], ["-k1.0"], ["-k1,0"], ["-k1x"], ["-k", ""], ["-k", ",2"], ["-k1,"], ["-k1.", "-n"], ["-t", "ab"], ["-t", ""], ["-t:", "-t,"],
        ["-t:", "-t:"], ["-c", "-o", "out"], ["-C", "-", "-"], ["-x"], ["--nosuch"], ["-k"], ["--key"], ["-o"], ["--check=sometimes"],
        ["--sort=alphabetic"], ["-k2,1.2.3"], ["-k+1"], ["-k-1"], ["-k1,2,3"], ["-k99999999999999999999"],
        ["-S", "abc"], ["-S", "10x"], ["-S", "-1"], ["-S1M"], ["--buffer-size=1b"], ["--parallel=0"], ["--parallel=2x"], ["--parallel=1"],
    ];

    private static readonly string[][] UniqModes =
        [[], ["-c"], ["-d"], ["-u"], ["-i"], ["-f", "1"], ["-s", "2"], ["-w", "2"], ["-ci"], ["-d", "-f", "1"], ["-u", "-s", "1", "-w", "3"],
        ["-du"], ["-w", "0"], ["-f", "3", "-s", "1"], ["-c", "-w", "1"], ["-i", "-f", "1", "-u"], ["-s", "99"], ["-cd", "-i", "-s", "1"],
        ["--count", "--ignore-case", "--skip-fields=2"], ["--repeated", "--check-chars=2"], ["-f", "-1"], ["-w", "x"],
        ["-D"], ["-D", "-u", "-i"], ["--all-repeated=separate", "-f", "1"], ["--all-repeated=prepend", "-w", "2"],
        ["--group"], ["--group=both", "-s", "1"], ["--group=prepend", "-i"], ["--group", "-c"], ["-Dc"]];

    /// <summary>Differences the fuzzer found and that were fixed, each a command line and its input.</summary>
    public static TheoryData<string[], string> FoundCases() => new()
    {
        // -f (and -d, -i) apply before -h and -V compare, as GNU compares a translated copy of the key:
        // 1e3 reads as 1E (exa), 1m as 1M, and -fV orders "a b" before "FEB".
        { ["-ufh"], "1e3 x\n1.5\n-1\n10 2K\n1m\n2M\n" },
        { ["-f", "-h", "-k1,1", "-k4.2,3bn"], "1e3 \t0\n  12\n9\tz9\n" },
        { ["-nr", "-k1,2", "-k", "2rfh,2"], "z9  1e3\n\xc3\xa9 2\n" },
        { ["-f", "-V"], "A   2 ABC\na b  3\n" },
        { ["-n", "-t,", "-k1fV"], "10,a b\n10,FEB,\t4\n" },
        { ["-k1,1Vd"], "a.9\na10\n" },
        { ["-k1,1Vi", "-s"], "a\u00019\na10\n" },

        // -d keeps newlines, which are field separators to GNU (and bytes of -z's lines).
        { ["-d", "-z"], "10 \t12\0\nA \t0x10\0" },
        { ["-u", "-dfz"], "a\nb\0ab\0a\nB\0" },

        // -c and -C: one file, no -o, not both (status 2); --check=WORD by a word or a prefix of one (a bad one:
        // status 1, from gnulib's argmatch).
        { ["-c", "-o", "out"], "b\na\n" },
        { ["-C", "--check=silent", "-o", "out"], "a\n" },
        { ["-C", "-", "-"], "" },
        { ["-c", "-C"], "b\na\n" },
        { ["--check", "-c"], "a\nb\n" },
        { ["--check=quiet"], "b\na\n" },
        { ["--check=diag"], "b\na\n" },
        { ["--check=sometimes"], "a\n" },
        { ["--check="], "a\n" },

        // KEYDEF counts are read as by strtoumax: white space and one '+' may come first, not '-'.
        { ["-k+1"], "b a\na b\n" },
        { ["-k", " 2"], "b a\na b\n" },
        { ["-k1,+1", "-k", "1.+2"], "b a\na b\nb b\n" },
        { ["-k-1"], "b\na\n" },
        { ["-k", "+ 1"], "b\na\n" },
        { ["-k1,-1"], "b\na\n" },

        // --sort=WORD (also by a prefix) and --merge; a bad or ambiguous WORD ends with status 1.
        { ["--sort=numeric"], "10\n9\n-1\n" },
        { ["--sort=h", "-r"], "1K\n2\n1M\n" },
        { ["--sort=gen", "-k2"], "x 1e3\ny 5\n" },
        { ["--sort=version", "-u"], "a10\na9\na9\n" },
        { ["--sort=alphabetic"], "a\n" },
        { ["--sort="], "a\n" },
        { ["--sort=month", "-n"], "a\n" },
        { ["--merge", "-"], "b\na\n" },

        // -g compares the long doubles strtold makes (64-bit significand, exponents to ±16383, subnormals), not
        // doubles; hexadecimal numbers take a point and a binary exponent.
        { ["-gu"], "0.1000000000000000001\n0.1\n" },
        { ["-gu"], "12345678901234567890\n12345678901234567891\n" },
        { ["-gu"], "123456789012345678901\n123456789012345678900\n123456789012345678920\n" },
        { ["-g", "-r"], "1e400\ninf\n1e401\n" },
        { ["-gr", "-s", "-k2"], "a 1e4932\nb 1.2e4932\nc inf\nd 1.18e4932\n" },
        { ["-g", "-s"], "1e-400\n0\n-1e-400\n" },
        { ["-gu"], "3e-4951\n4e-4951\n2e-4951\n1e-4951\n0\n5.5e-4951\n" },
        { ["-g"], "0x1p3\n5\n0x1.8p1\n0x10\n0x.8\n0x\n0x1P-1\n0xp1\n" },
        { ["-gs"], "1.\n+.5\n-.5e1\n1e\n1e+\n.e1\n-\n+1\n 2\n\t-3\n" },
    };

    [Theory]
    [MemberData(nameof(FoundCases))]
    public async Task Sort_FoundByFuzzing_SameAsGnu(string[] args, string input)
    {
        (string? difference, _) = await Differential.CompareInDirectoriesAsync("sort", args, Differential.Bytes(input), [], args.Contains("-o") ? "out" : null);
        Differential.AssertNone([difference]);
    }

    [Fact]
    public async Task Sort_RandomOptions_SameAsGnu()
    {
        int seed = EnvInt("STREAMS_SORT_FUZZ_SEED", 20261204);
        int cases = EnvInt("STREAMS_SORT_FUZZ_CASES", 300);
        var random = new Random(seed);
        var differences = new List<Task<string?>>();
        for (int c = 0; c < cases; c++)
        {
            differences.Add(RunCaseAsync(Case.Make(random)));
        }

        string?[] found = await Task.WhenAll(differences);
        if (Environment.GetEnvironmentVariable("STREAMS_SORT_FUZZ_OUT") is { Length: > 0 } dump)
        {
            await File.WriteAllLinesAsync(dump, found.OfType<string>());
        }

        Differential.AssertNone(found);
    }

    /// <summary>-g on random numbers near the limits of GNU's long double: 15 to 25 significant digits (neighbours
    /// a digit apart, which may or may not round alike), exponents at the edges of the range and of the
    /// subnormals, hexadecimal numbers with binary exponents.</summary>
    [Fact]
    public async Task Sort_GeneralNumbers_SameAsGnu()
    {
        var random = new Random(EnvInt("STREAMS_SORT_FUZZ_SEED", 20261204));
        string[][] modes = [["-g"], ["-gu"], ["-gr", "-s"], ["-gs"]];
        int[] exponents = [0, 1, -1, 18, -18, 19, 20, 308, -308, 309, -324, 400, -400, 4931, 4932, 4933, -4931, -4945, -4950, -4951, -4952];
        var differences = new List<Task<string?>>();
        for (int c = 0; c < 40; c++)
        {
            var text = new StringBuilder();
            for (int line = 0; line < 24; line++)
            {
                text.Append(random.Next(4) == 0 ? "-" : string.Empty);
                if (random.Next(6) == 0)
                {
                    text.Append("0x").Append(random.NextInt64().ToString("x", CultureInfo.InvariantCulture)).Append(random.Next(2) == 0 ? "." : string.Empty)
                        .Append('p').Append(random.Next(-16460, 16400));
                }
                else
                {
                    string digits = string.Concat(Enumerable.Range(0, random.Next(15, 26)).Select(_ => (char)('0' + random.Next(10))));
                    int point = random.Next(digits.Length + 1);
                    text.Append(digits[..point]).Append('.').Append(digits[point..]).Append('e').Append(exponents[random.Next(exponents.Length)] - point);
                    if (point < digits.Length && random.Next(2) == 0)
                    {
                        // A neighbour: the same digits, the last one different.
                        text.Append('\n').Append(digits[..point]).Append('.').Append(digits[point..^1]).Append((char)('0' + random.Next(10)))
                            .Append('e').Append(exponents[random.Next(exponents.Length)] - point);
                    }
                }

                text.Append('\n');
            }

            differences.Add(Differential.CompareAsync("sort", modes[c % modes.Length], Differential.Bytes(text.ToString())));
        }

        Differential.AssertNone(await Task.WhenAll(differences));
    }

    private static async Task<string?> RunCaseAsync(Case test)
    {
        try
        {
            var files = new List<(string Name, byte[] Content)>();
            foreach ((string name, byte[] content) in test.Files)
            {
                // -m's inputs are sorted first, by GNU with the case's ordering options; other files are not.
                CommandOutcome? sorted = test.Ordering is null ? null : await StageHarness.RunReferenceAsync("sort", test.Ordering, content, null, TimeSpan.FromSeconds(20));
                files.Add((name, sorted is { ExitStatus: 0 } ? sorted.Stdout : content));
            }

            (string? difference, CommandOutcome gnu) = await Differential.CompareInDirectoriesAsync("sort", test.Args, test.Input, files, test.OutputFile);
            if (difference != null || test.Uniq == null || gnu.ExitStatus != 0)
            {
                return difference;
            }

            return await Differential.CompareAsync("uniq", test.Uniq, gnu.Stdout);
        }
        catch (TimeoutException ex)
        {
            return $"sort {string.Join(' ', test.Args)}: {ex.Message}";
        }
    }

    private static int EnvInt(string name, int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;

    /// <summary>One random case: sort's arguments (ordering options, then the rest), the ordering options that
    /// pre-sort its files (null to leave them as they are), its stdin, the files it reads, the file it writes
    /// (for -o), and uniq's arguments when its output goes on to uniq.</summary>
    private sealed record Case(string[] Args, string[]? Ordering, byte[] Input, List<(string Name, byte[] Content)> Files, string? OutputFile, string[]? Uniq)
    {
        public static Case Make(Random random)
        {
            // A sixth of the cases spell every option long (--key=2,2n, --field-separator=:, --check=quiet …).
            bool spellLong = random.Next(6) == 0;
            string? separator = random.Next(5) < 2 ? Separators[random.Next(Separators.Length)] : null;
            var ordering = new List<string>();
            string global = Flags(random, "nrufsb", global: true);
            if (spellLong)
            {
                ordering.AddRange(global.Select(c => LongName(random, c)));
            }
            else if (global.Length > 0)
            {
                // Sometimes one cluster (-nru), sometimes one option each.
                ordering.AddRange(random.Next(2) == 0 ? ["-" + global] : global.Select(c => "-" + c));
            }

            if (separator != null)
            {
                ordering.AddRange(spellLong ? ["--field-separator=" + separator] : random.Next(2) == 0 ? ["-t", separator] : ["-t" + separator]);
            }

            int keys = random.Next(3) == 0 ? 0 : random.Next(1, 4);
            for (int k = 0; k < keys; k++)
            {
                string key = Key(random);
                ordering.AddRange(spellLong ? ["--key=" + key] : random.Next(2) == 0 ? ["-k", key] : ["-k" + key]);
            }

            // No NaN under -g, global or in a key (see the remarks; no separator holds a 'g').
            string[] pieces = ordering.Any(a => a.Contains('g', StringComparison.Ordinal))
                ? [.. Pieces.Where(p => p != "nan")]
                : Pieces;
            byte[] input = Differential.Bytes(Lines(random, separator, pieces, random.Next(0, random.Next(4) == 0 ? 60 : 16)));
            var args = new List<string>(ordering);
            var files = new List<(string, byte[])>();
            string? outputFile = null;
            string[]? uniq = null;
            bool raw = false;
            switch (random.Next(13))
            {
                case 0:
                    args.Add(spellLong ? random.Next(2) == 0 ? "--check" : "--check=diagnose-first" : "-c");
                    break;
                case 1:
                    args.Add(spellLong ? random.Next(2) == 0 ? "--check=quiet" : "--check=silent" : "-C");
                    break;
                case 2:
                    args.Add(spellLong ? "--merge" : "-m");
                    int count = random.Next(1, 4);
                    for (int f = 0; f < count; f++)
                    {
                        files.Add(("f" + f, Differential.Bytes(Lines(random, separator, pieces, random.Next(0, 8)))));
                        args.Add("f" + f);
                    }

                    if (random.Next(3) == 0)
                    {
                        // Standard input among the files, taken as it comes.
                        args.Insert(args.Count - 1, "-");
                    }

                    break;
                case 3:
                    args.AddRange(spellLong ? ["--output=out"] : random.Next(2) == 0 ? ["-o", "out"] : ["-oout"]);
                    outputFile = "out";
                    if (random.Next(3) == 0)
                    {
                        // Sorting a file onto itself, after standard input.
                        files.Add(("out", Differential.Bytes(Lines(random, separator, pieces, random.Next(0, 8)))));
                        args.AddRange(["-", "out"]);
                        raw = true;
                    }

                    break;
                case 10:
                    // Files to sort (not merge), with standard input among them.
                    for (int f = 0; f < 2; f++)
                    {
                        files.Add(("f" + f, Differential.Bytes(Lines(random, separator, pieces, random.Next(0, 8)))));
                    }

                    args.AddRange(["f0", "-", "f1"]);
                    raw = true;
                    break;
                case 4:
                    // NUL-terminated lines: the newlines and CRs become bytes of the lines.
                    args.Add(spellLong ? "--zero-terminated" : "-z");
                    input = [.. input.Select(b => b == (byte)'\n' && random.Next(3) != 0 ? (byte)0 : b)];
                    break;
                case 5:
                    // A usage error: status 2 and no output, as GNU.
                    args.AddRange(UsageErrors[random.Next(UsageErrors.Length)]);
                    break;
                case 6 or 7 or 8 or 9:
                    uniq = UniqModes[random.Next(UniqModes.Length)];
                    break;
            }

            string[] presort = [.. ordering.Where(a => a is not "-u" and not "-s" and not "--unique" and not "--stable")];
            return new Case([.. args], raw ? null : presort, input, files, outputFile, uniq);
        }

        /// <summary>The long spelling of the ordering letter <paramref name="c"/>: its own name, or for the numeric,
        /// month and version orderings sometimes <c>--sort=WORD</c>.</summary>
        private static string LongName(Random random, char c)
        {
            string? word = c switch
            {
                'n' => "numeric",
                'g' => "general-numeric",
                'h' => "human-numeric",
                'M' => "month",
                'V' => "version",
                _ => null,
            };
            if (word != null && random.Next(2) == 0)
            {
                return "--sort=" + word;
            }

            return "--" + c switch
            {
                'n' => "numeric-sort",
                'r' => "reverse",
                'u' => "unique",
                'f' => "ignore-case",
                's' => "stable",
                'b' => "ignore-leading-blanks",
                'g' => "general-numeric-sort",
                'h' => "human-numeric-sort",
                'M' => "month-sort",
                'V' => "version-sort",
                'd' => "dictionary-order",
                _ => "ignore-nonprinting",
            };
        }

        /// <summary>Letters from <paramref name="pool"/>, plus at most one of the orderings that exclude each other
        /// (-g -h -M -V and -d or -i; -n is in the pool), as GNU refuses two.</summary>
        private static string Flags(Random random, string pool, bool global)
        {
            var letters = new StringBuilder();
            foreach (char c in pool)
            {
                if (random.Next(global ? 4 : 3) == 0)
                {
                    letters.Append(c);
                }
            }

            if (random.Next(global ? 5 : 6) == 0)
            {
                string other = "ghMVdi"[random.Next(6)].ToString();
                if (letters.ToString().Contains('n', StringComparison.Ordinal))
                {
                    letters.Replace("n", other);
                }
                else
                {
                    letters.Append(other);
                }
            }

            return letters.ToString();
        }

        /// <summary>F[.C][OPTS][,F[.C][OPTS]]: -k2, -k2,2, -k1.3,1.5, -k3n, -k2,2nr, -k1.2b, -k2,3 and the like.</summary>
        private static string Key(Random random)
        {
            int start = random.Next(1, 6);
            var key = new StringBuilder().Append(start);
            if (random.Next(3) == 0)
            {
                key.Append('.').Append(random.Next(1, 8));
            }

            key.Append(random.Next(2) == 0 ? string.Empty : Flags(random, "bnrf", global: false));
            if (random.Next(4) != 0)
            {
                int end = random.Next(6) == 0 ? random.Next(1, 5) : start + random.Next(0, 2);
                key.Append(',').Append(end);
                if (random.Next(3) == 0)
                {
                    key.Append('.').Append(random.Next(0, 5));
                }

                if (random.Next(4) == 0)
                {
                    key.Append(random.Next(3) == 0 ? "b" : Flags(random, "bnr", global: false));
                }
            }

            return key.ToString();
        }

        /// <summary>Lines of up to four fields (joined by the separator or by blanks), keys often repeated, some
        /// lines empty, some ending in CRLF; a fifth of inputs have no final newline.</summary>
        private static string Lines(Random random, string? separator, string[] pieces, int count)
        {
            // -t '\0' is the NUL byte.
            separator = separator == "\\0" ? "\0" : separator;
            var text = new StringBuilder();
            var seen = new List<string>();
            for (int i = 0; i < count; i++)
            {
                if (seen.Count > 0 && random.Next(4) == 0)
                {
                    // A repeated line, or one with a repeated first field.
                    string old = seen[random.Next(seen.Count)];
                    text.Append(random.Next(2) == 0 ? old : old + (separator ?? " ") + pieces[random.Next(pieces.Length)]);
                }
                else if (random.Next(12) == 0)
                {
                    // An empty line.
                }
                else
                {
                    var line = new StringBuilder();
                    int fields = random.Next(1, 5);
                    for (int f = 0; f < fields; f++)
                    {
                        if (f > 0)
                        {
                            line.Append(separator ?? (random.Next(4) switch { 0 => "  ", 1 => "\t", 2 => " \t", _ => " " }));
                        }

                        line.Append(random.Next(60) == 0 ? new string((char)random.Next('0', 'z'), random.Next(100, 3000)) : pieces[random.Next(pieces.Length)]);
                    }

                    seen.Add(line.ToString());
                    text.Append(line);
                }

                text.Append(random.Next(10) == 0 ? "\r\n" : "\n");
            }

            if (text.Length > 0 && random.Next(5) == 0)
            {
                text.Length--;
            }

            return text.ToString();
        }
    }
}
