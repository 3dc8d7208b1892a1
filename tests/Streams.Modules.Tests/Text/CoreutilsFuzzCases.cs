using System.Globalization;
using System.Text;

namespace Streams.Modules.Tests.Text;

/// <summary>Random option sets and inputs for <see cref="CoreutilsFuzzTests"/>: only options each command
/// documents in its <c>--help</c>, in their short, attached, separate and long spellings, with inputs biased to
/// the separators and classes in play.</summary>
/// <param name="random">The seeded source of every choice.</param>
internal sealed partial class CoreutilsFuzzCases(Random random)
{
    /// <summary>The files <see cref="Files"/> names (each side runs in its own copy of them); <c>missing</c> is
    /// not among them.</summary>
    public static readonly string[] FileNames = ["f1", "f2", "e"];

    /// <summary>One case for <paramref name="command"/>: its arguments and its standard input; now and then
    /// with a bogus option, <c>--</c> or <c>-</c> in front.</summary>
    public (string[] Args, byte[] Input) Next(string command)
    {
        (string[] args, byte[] input) = Case(command);
        // Not for rev: util-linux rev opens a file named "-". Not "---": it abbreviates head's and tail's
        // hidden ---presume-input-pipe.
        return random.Next(30) == 0 ? ([Pick("-Q", "--bogus", "--", command == "rev" ? "--" : "-", "--help=x"), .. args], input) : (args, input);
    }

    private (string[] Args, byte[] Input) Case(string command) => command switch
    {
        "cut" => Cut(),
        "tr" => Tr(),
        "uniq" => Uniq(),
        "wc" => Wc(),
        "head" => Head(),
        "tail" => Tail(),
        "nl" => Nl(),
        "paste" => Paste(),
        "cat" => Cat(),
        "rev" => ([], Input(["a", "b", "xy", " ", "\t", "\r", "1"], highBytes: false)),
        "tac" => (random.Next(4) == 0 ? SomeFiles() : [], Input(["a", "b", "", "\r", "x y"], highBytes: true)),
        "echo" => (Echo(), []),
        "printf" => (Printf(), []),
        "seq" => (Seq(), []),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "no generator"),
    };

    /// <summary>Contents for the files <see cref="FileNames"/> (<c>e</c> is empty); no long lines (GNU tac fails
    /// on some, see the remarks of CoreutilsFuzzTests).</summary>
    public (string Name, string Content)[] Files() =>
    [
        ("f1", Encoding.Latin1.GetString(Input(["a", "b", ":", "\t", " ", "1"], highBytes: true, allowEmpty: false, allowLong: false))),
        ("f2", Encoding.Latin1.GetString(Input(["x", "y", ",", "\t", "\r"], highBytes: false, allowEmpty: false, allowLong: false))),
        ("e", ""),
    ];

    private (string[] Args, byte[] Input) Cut()
    {
        var args = new List<string>();
        string delimiter = "\t";
        switch (random.Next(40) == 0 ? 3 : random.Next(3))
        {
            case 3: break;
            case 0: Option(args, "-b", "--bytes", List()); break;
            case 1: Option(args, "-c", "--characters", List()); break;
            default:
                Option(args, "-f", "--fields", List());
                if (random.Next(4) != 0)
                {
                    delimiter = Pick(":", ",", " ", "a", "\t", "\xe9", "\\", "-");
                    Option(args, "-d", "--delimiter", delimiter);
                }

                if (random.Next(3) == 0)
                {
                    args.Add(Pick("-s", "--only-delimited"));
                }

                break;
        }

        if (random.Next(4) == 0)
        {
            args.Add("--complement");
        }

        if (random.Next(4) == 0)
        {
            args.Add("--output-delimiter=" + Pick("|", "", "::", "\t", "\xe9", "\\n"));
        }

        // Rarely, -s without -f (a usage error in GNU).
        if (random.Next(25) == 0)
        {
            args.Add("-s");
        }

        return ([.. args, .. random.Next(6) == 0 ? SomeFiles() : []], Input([delimiter, delimiter, "a", "bc", ":", ",", " ", "\t", "1"], highBytes: true));
    }

    /// <summary>A cut LIST: one to three ranges N, N-, N-M, -M, rarely a decreasing one or 0 (errors).</summary>
    private string List()
    {
        if (random.Next(30) == 0)
        {
            // Malformed or out-of-range lists: errors, or GNU's saturation to SIZE_MAX.
            return Pick("18446744073709551616", "1-18446744073709551616", "9223372036854775807-", "a", "1,,2", "", "1-2-3", " 1", "1 2", "-", "0-", "3-1,", "1-,2", "2,1-");
        }

        int count = random.Next(1, 5);
        var ranges = new List<string>();
        for (int i = 0; i < count; i++)
        {
            int n = random.Next(10) == 0 ? Pick(40, 100, 70_001) : random.Next(1, 7);
            ranges.Add(random.Next(20) switch
            {
                0 => "0",
                1 => n + 1 + "-" + n,
                < 7 => n.ToString(CultureInfo.InvariantCulture),
                < 11 => n + "-",
                < 15 => n + "-" + (n + random.Next(0, 4)),
                _ => "-" + n,
            });
        }

        return string.Join(",", ranges);
    }

    private (string[] Args, byte[] Input) Uniq()
    {
        var args = new List<string>();
        foreach (string flag in new[] { "-c", "-d", "-u", "-i" })
        {
            if (random.Next(3) == 0)
            {
                args.Add(random.Next(3) == 0 ? LongFlag(flag) : flag);
            }
        }

        if (random.Next(3) == 0)
        {
            Option(args, "-f", "--skip-fields", UniqCount(3));
        }

        if (random.Next(3) == 0)
        {
            Option(args, "-s", "--skip-chars", UniqCount(4));
        }

        if (random.Next(4) == 0)
        {
            Option(args, "-w", "--check-chars", UniqCount(4));
        }


        // Lines drawn from a small pool, so that neighbours often repeat, in whole or after a field or a char.
        string[] pool = [.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => Line(["a", "A", "b", " ", "\t", "x", "\xe9", "\xc9"], 6))];
        var text = new StringBuilder();
        int lines = random.Next(0, 14);
        for (int i = 0; i < lines; i++)
        {
            text.Append(pool[random.Next(pool.Length)]).Append('\n');
        }

        if (text.Length > 0 && random.Next(3) == 0)
        {
            text.Length--;
        }

        return ([.. args], Differential.Bytes(text.ToString()));
    }

    /// <summary>A count below <paramref name="limit"/>, now and then a huge or malformed one.</summary>
    private string UniqCount(int limit) => random.Next(12) == 0
        ? Pick("99999999999999999999", "-1", "x", "010", "", "+2", " 1")
        : random.Next(0, limit).ToString(CultureInfo.InvariantCulture);

    private static string LongFlag(string flag) => flag switch
    {
        "-c" => "--count",
        "-d" => "--repeated",
        "-u" => "--unique",
        "-i" => "--ignore-case",
        _ => flag,
    };

    private (string[] Args, byte[] Input) Wc()
    {
        var args = new List<string>();
        string letters = string.Concat("lwcmL".Where(_ => random.Next(3) == 0));
        if (letters.Length > 0)
        {
            if (random.Next(2) == 0)
            {
                args.Add("-" + letters);
            }
            else
            {
                args.AddRange(letters.Select(l => "-" + l));
            }
        }

        string[] files = random.Next(3) == 0 ? SomeFiles() : [];
        return ([.. args, .. files], Input(["ab", "c", " ", "\t", "\v", "\f", "\r", "  ", "\b", "\x01", "\x7f", "\0", "\xa0"], highBytes: true));
    }

    private (string[] Args, byte[] Input) Head()
    {
        var args = new List<string>();
        int n = Count();
        switch (random.Next(6))
        {
            case 0: Option(args, "-n", "--lines", n.ToString(CultureInfo.InvariantCulture)); break;
            case 1: Option(args, "-n", "--lines", "-" + n); break;
            case 2: Option(args, "-c", "--bytes", n.ToString(CultureInfo.InvariantCulture)); break;
            case 3: Option(args, "-c", "--bytes", "-" + n); break;
            case 4: args.Add("-" + n); break;
            default: OddCount(args, Pick("1k", "2b", "0", "+2", "99999999999999999999", "-99999999999999999999", "1Y", "1e3", "x", "1KiB", "1kB", "", "0x10", "010", " 3")); break;
        }

        return HeadOrTail(args);
    }

    private (string[] Args, byte[] Input) Tail()
    {
        var args = new List<string>();
        int n = Count();
        switch (random.Next(6))
        {
            case 0: Option(args, "-n", "--lines", n.ToString(CultureInfo.InvariantCulture)); break;
            case 1: Option(args, "-n", "--lines", "+" + n); break;
            case 2: Option(args, "-c", "--bytes", n.ToString(CultureInfo.InvariantCulture)); break;
            case 3: Option(args, "-c", "--bytes", "+" + n); break;
            case 4: Option(args, random.Next(2) == 0 ? "-n" : "-c", "--lines", "-" + n); break;
            case 5: args.Add("-" + n); break;
            default: OddCount(args, Pick("+0", "-0", "99999999999999999999", "+99999999999999999999", "1k", "2b", "x", "", "010", "+1k")); break;
        }

        return HeadOrTail(args);
    }

    /// <summary>-n or -c with a count that is out of range, has a suffix, or is malformed.</summary>
    private void OddCount(List<string> args, string count)
    {
        if (random.Next(2) == 0)
        {
            Option(args, "-n", "--lines", count);
        }
        else
        {
            Option(args, "-c", "--bytes", count);
        }
    }

    /// <summary>A count for head and tail: mostly small, sometimes past a long line.</summary>
    private int Count() => random.Next(10) == 0 ? Pick(4096, 70_000, 100_000) : random.Next(0, 13);

    private (string[] Args, byte[] Input) HeadOrTail(List<string> args)
    {
        string[] files = [];
        if (random.Next(4) == 0)
        {
            // Standard input once at most: GNU head's second read of a pipe starts where its first block read
            // stopped (see the remarks of CoreutilsFuzzTests).
            files = [.. SomeFiles().Where(f => f != "-"), .. (random.Next(2) == 0 ? new[] { "-" } : [])];
            if (random.Next(3) == 0)
            {
                args.Add(Pick("-q", "-v", "--quiet", "--verbose", "--silent"));
            }
        }

        return ([.. args, .. files], Input(["a", "b", "cd", " ", "\r", "\0"], highBytes: true));
    }

    private (string[] Args, byte[] Input) Nl()
    {
        var args = new List<string>();
        if (random.Next(2) == 0)
        {
            Option(args, "-b", "--body-numbering", Style());
        }

        if (random.Next(4) == 0)
        {
            Option(args, "-h", "--header-numbering", Style());
        }

        if (random.Next(4) == 0)
        {
            Option(args, "-f", "--footer-numbering", Style());
        }

        if (random.Next(3) == 0)
        {
            Option(args, "-n", "--number-format", Pick("ln", "rn", "rz"));
        }

        if (random.Next(3) == 0)
        {
            Option(args, "-w", "--number-width", Pick("1", "2", "3", "6", "8", "0", "-1", "x"));
        }

        if (random.Next(3) == 0)
        {
            Option(args, "-s", "--number-separator", Pick(":", "", " | ", "\t\t"));
        }

        if (random.Next(4) == 0)
        {
            Option(args, "-v", "--starting-line-number", Pick("0", "3", "-2", "10", "-100000", "99999", "x"));
        }

        if (random.Next(4) == 0)
        {
            Option(args, "-i", "--line-increment", Pick("1", "2", "5", "0", "-1", "100000"));
        }

        if (random.Next(5) == 0)
        {
            args.Add(Pick("-p", "--no-renumber"));
        }

        return ([.. args], Input(["a", "b ", "\\:\\:\\:", "\\:\\:", "\\:", "\t", "ab"], highBytes: true, wholeLines: true));
    }

    private string Style() => Pick("a", "t", "n", "pa", "p^b", "p.", "p^$", "pa\\|b", "p[[:digit:]]", "p", "x", "p\\(", "pb*", "p\\:");

    private (string[] Args, byte[] Input) Paste()
    {
        var args = new List<string>();
        if (random.Next(2) == 0)
        {
            args.Add(Pick("-s", "--serial"));
        }

        if (random.Next(3) != 0)
        {
            Option(args, "-d", "--delimiters", Pick("", ":", ":,", "\\n", "\\t", "\\\\", "\\0", "a\\0b", ",", "-x", "\\", "a\\", "\\q", "\\b\\f\\v"));
        }

        string[] files = random.Next(3) switch
        {
            0 => [],
            1 => [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => "-")],
            _ => [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick("-", "f1", "f2", "e"))],
        };
        return ([.. args, .. files], Input(["a", "b", "\t", ":", ""], highBytes: true));
    }

    private (string[] Args, byte[] Input) Cat()
    {
        string letters = string.Concat("AbeEnstTuv".Where(_ => random.Next(4) == 0));
        var args = new List<string>();
        if (letters.Length > 0)
        {
            if (random.Next(2) == 0)
            {
                args.Add("-" + letters);
            }
            else
            {
                args.AddRange(letters.Select(l => "-" + l));
            }
        }

        string[] files = random.Next(4) == 0 ? SomeFiles() : [];
        return ([.. args, .. files], Input(["a", "", "", "\t", "\x01", "\x7f", "\x80", "\xff", "\x9b", "\r", "\0", "\x1b", "\xa0", "\x89", "\xfe", "\x0c"], highBytes: true, wholeLines: true));
    }

    /// <summary>One to three of the files, <c>-</c> (standard input) and, rarely, a missing file.</summary>
    private string[] SomeFiles()
        => [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(12) == 0 ? "missing" : Pick("-", "f1", "f2", "e"))];

    /// <summary>Adds <paramref name="value"/> for an option as <c>-xV</c>, <c>-x V</c> or <c>--long=V</c>.</summary>
    private void Option(List<string> args, string shortName, string longName, string value)
    {
        if (random.Next(8) == 0)
        {
            // getopt_long takes an unambiguous prefix (an ambiguous one is an error on both sides).
            longName = longName[..random.Next(3, longName.Length)];
        }

        switch (random.Next(4))
        {
            case 0 when value.Length > 0: args.Add(shortName + value); break;
            case 1: args.Add(longName + "=" + value); break;
            case 2: args.Add(longName); args.Add(value); break;
            default: args.Add(shortName); args.Add(value); break;
        }
    }

    private T Pick<T>(params T[] choices) => choices[random.Next(choices.Length)];
}
