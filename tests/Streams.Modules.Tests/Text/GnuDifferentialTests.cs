using System.Diagnostics;
using System.IO.Pipelines;
using Streams.Pipelines;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

/// <summary>Every filter command, with many option sets, on edge, random (fixed seeds) and long inputs: stdout
/// bytes and exit status must equal GNU coreutils 9 / grep 3 / sed 4 under LC_ALL=C.</summary>
public class GnuDifferentialTests
{
    /// <summary>Filters and the option sets they are compared with; the first set of each runs on the big
    /// inputs too.</summary>
    private static readonly (string Command, string[][] ArgSets)[] Filters =
    [
        ("cat", [
            [], ["-n"], ["-b"], ["-E"], ["-nE"], ["-bE"], ["-u", "-"], ["--number", "--show-ends"], ["-A"], ["-v"], ["-T"],
            ["-e"], ["-t"], ["-s"], ["-sn"], ["-sb"], ["-vE"], ["-sA"], ["--show-nonprinting", "--squeeze-blank"],
        ]),
        ("tr", [
            ["a-z", "A-Z"], ["-d", "\\n"], ["-s", " "], ["-c", "a-z\\n", "_"], ["-cd", "[:alnum:]\\n"],
            ["[:lower:]", "[:upper:]"], ["[:upper:]", "[:lower:]"], ["-s", "[:space:]", "\\n"], ["-d", "\\000"],
            ["\\r", "\\n"], ["-ds", "a", "b"], ["abc", "x"], ["-t", "abc", "xy"], ["a-c", "[x*]"], ["\\200-\\377", "?"],
            ["-d", "[=a=]"], ["-s", "\\n"], ["a-z", "A-M"], ["-d", "[:punct:]"], ["-sc", "a-zA-Z", "\\n"],
            ["-d", "z-a"], [], ["a"], ["-s", "a-z", "[:upper:]"], ["[:digit:]", "[X*3]9"], ["-c", "\\n", "x"],
            ["-d", "[:blank:][:cntrl:]"], ["\\t\\\\", "T/"], ["-s", "ab", "x"], ["[:lower:]", "x"],
            ["-d", "[:xdigit:]"], ["-s", "[:graph:]"], ["-cs", "[:print:]", "."], ["abc", "[x*2]yz"],
        ]),
        ("cut", [
            ["-c1-3"], ["-c2"], ["-c-2,5-"], ["-b1,3"], ["-f1"], ["-f2", "-d:"], ["-d:", "-f1,3"], ["-d:", "-f2-", "-s"],
            ["-d,", "-f1", "--complement"], ["--output-delimiter=|", "-d:", "-f1,2"], ["-d", " ", "-f2"],
            ["-c1-2,2-3"], ["-b3-1"], ["-f0"], ["-d", "ab", "-f1"], ["-c"], ["-n", "-b1-2"], ["-d:", "-f3-1"],
            ["-c", "3-", "--complement"], ["-f", "2,1", "-d", ","], ["-s", "-f2"], ["-d:", "--output-delimiter=", "-f1-"],
            ["-b", "1-2", "--output-delimiter=_"], ["-c", "1,3,5-7", "--output-delimiter=__"], ["-f1", "-c1"],
            ["-d", "\t", "-f", "2-3"], ["--fields=1", "--delimiter=,", "--only-delimited"],
        ]),
        ("sort", [
            [], ["-r"], ["-n"], ["-nr"], ["-f"], ["-u"], ["-fu"], ["-s", "-k1,1"], ["-t:", "-k2"], ["-t:", "-k2,2", "-k1,1r"],
            ["-k2n"], ["-k1.2,1.3"], ["-b", "-k2"], ["-n", "-u"], ["-t", ",", "-k2,2n", "-k1,1", "-s"], ["-rn", "-k1,1"],
            ["-c"], ["-d"], ["-i"], ["-g"], ["-z"], ["-k2.3b"], ["-t", " ", "-k3,3"], ["-k1,1", "-k2,2nr"], ["-nu", "-k1,1"],
            ["-fs"], ["-rs", "-k1,1"], ["-bn"], ["-t", ":", "-u", "-k1,1"], ["-k", "2"], ["-k0"], ["-t", "ab"], ["-rf", "-u"],
            ["-n", "-k1.2"], ["-k1,1b", "-k2"], ["-C"], ["-ru"], ["-bf", "-k1"], ["-t:", "-k1,1f", "-k2,2"],
        ]),
        ("uniq", [[], ["-c"], ["-d"], ["-u"], ["-i"], ["-ci"], ["-cd"], ["-f1"], ["-s2"], ["-w2"], ["-dc"], ["-u", "-c"], ["-f1", "-s1"], ["-di"], ["-w1", "-i"], ["-f", "x"]]),
        ("wc", [[], ["-l"], ["-w"], ["-c"], ["-m"], ["-lw"], ["-lc"], ["-wm"], ["-clwm"], ["-"], ["-L"], ["-lL"], ["-clwmL"]]),
        ("head", [
            ["-n3"], [], ["-n0"], ["-n", "-2"], ["-n", "-0"], ["-c5"], ["-c", "-3"], ["-c0"], ["-3"], ["-n", "+2"],
            ["-c", "70001"], ["-n", "-1"], ["-c", "-70000"], ["-n", "x"], ["-q", "-n1"], ["-v", "-n1"], ["-c", "1k"], ["-n", "-100000"],
        ]),
        ("tail", [
            ["-n3"], [], ["-n", "+3"], ["-n", "+0"], ["-n0"], ["-c5"], ["-c", "+5"], ["-3"], ["-n", "+1"], ["-c", "+1"],
            ["-f"], ["-c", "70001"], ["-n", "-1"], ["-n", "x"], ["-v", "-n1"], ["-c", "+70001"], ["-n", "100000"],
        ]),
        ("rev", [[]]),
        ("tac", [[]]),
        ("nl", [
            [], ["-ba"], ["-bt"], ["-bn"], ["-w3"], ["-s: "], ["-nln"], ["-nrz"], ["-nrn"], ["-v5", "-i2"], ["-ha", "-fa"],
            ["-bpa"], ["-p"], ["-w1", "-nrz", "-ba"], ["-bx"], ["-w0"],
        ]),
        ("paste", [[], ["-s"], ["-d:"], ["-s", "-d:,"], ["-", "-"], ["-d", ":,", "-", "-", "-"], ["-s", "-d", "\\t\\n"], ["-z"], ["-sd", ""], ["-d", "\\0", "-", "-"]]),
        ("tee", [[], ["-a"]]),
        ("grep", [
            ["a"], ["-v", "a"], ["-c", "a"], ["-n", "x"], ["-i", "b"], ["-o", "a\\+"], ["-E", "a|b"], ["-F", "."], ["-w", "a"],
            ["-x", "a"], ["-E", "^$"], ["^"], ["-o", "[0-9]*"], ["-E", "-o", "(a|ab)(c|bcd)(d*)"], ["-e", "a", "-e", "b"],
            ["-q", "a"], ["-l", "a"], ["\\(a\\)\\1"], ["-E", "[[:digit:]]+"], ["-c", ""], ["-o", "-i", "A."], ["-E", "x{2,}"],
            ["[^a-z]"], ["-E", "a?b"], ["a\\|b"], ["-n", "-v", ""], ["-w", "b*"], ["-ow", "[a-z]*"], ["-E", "\\bx"],
            ["\\<a"], ["-x", ""], ["-E", "-o", "(x|xy)+"], ["-F", "-x", "dup"], ["-F", "-w", "-i", "ab"], ["-F", "-e", "a", "-e", ""],
            ["-E", "a{,2}"], ["[[:upper:]]"], ["\\w\\+"], ["-o", "\\W"], ["-E", "\\s"], ["-c", "-v", "dup"], ["-L", "a"],
            ["-H", "a"], ["-on", "b"], ["-E", "(a)(b)?\\2"], ["-e"], ["-E", "a{1"], ["\\(" ], ["-ix", "DUP"], ["-m1", "a"],
            ["-E", "[[:alpha:]]+:[0-9]"], ["-o", "."], ["-c", "\\x80"], ["-F", "\\"], ["[[:space:]]$"], ["-E", "^(.)(.).?\\2\\1$"],
            ["--color=never", "a"], ["--colour", "-c", "a"], ["--color=auto", "-o", "b"],
            ["-A1", "a"], ["-B2", "-n", "a"], ["-C1", "x"], ["-2", "b"], ["-A1", "-m2", "a"], ["-A0", "a"], ["-C1", "-o", "a"],
            ["-C1", "-v", "a"], ["-B1", "-c", "a"], ["-A", "x", "a"], ["--context=1", "-n", "dup"], ["-B1", "-A3", "-w", "b"],
            ["-m", "x", "a"],
        ]),
        ("sed", [
            ["p"], ["-n", "p"], ["s/a/b/"], ["s/a/b/g"], ["s/a*/x/g"], ["-n", "/a/p"], ["2d"], ["$d"], ["s/\\(.\\)\\(.\\)/\\2\\1/"],
            ["-E", "s/(a|b)+/[&]/g"], ["s/x/\\n/g"], ["s/a/b/2"], ["s/a/b/I"], ["s|/|_|g"], ["-e", "s/a/b/", "-e", "s/b/c/"],
            ["s/^/>/"], ["s/$/</"], ["s/.*/\"&\"/"], ["/^$/d"], ["-n", "$p"], ["s/[[:space:]]//g"], ["="], ["-n", "/a/{p;p}"],
            ["2q"], ["3Q"], ["n;d"], ["s/b*/<&>/2g"], ["-n", "s/a/A/p"], ["s/\\x41/z/"], ["s/a/\\t/"], ["/dup/!d"],
            ["1d;$d"], ["s/./&&/3"], ["-E", "s/(.)(.)(.)/\\3\\2\\1/g"], ["s/[^[:alnum:]]/./g"], ["s/a/b"], ["k"], ["s/\\(/x/"],
            ["-n", "/x/="], ["s/^$/EMPTY/"], ["s/\\r$//"], ["-E", "s/a|$/X/g"],
            ["N;s/\\n/-/"], ["$!N;P"], ["-n", "N;P"], ["N;N;s/\\n/+/g"], ["P"], ["-n", "$!N;/dup\\ndup/p"], ["2{N;s/\\n//}"],
            ["1!G;h;$!d"], ["$!N;P;D"], ["N;N;D"], ["x;G"], ["h;s/a/b/;G"], ["-n", "H;${x;p}"], ["H;$!d;x"], ["/a/{h;d};G"],
            ["-n", "x;p"], ["G;G"], ["$!N;s/\\n/ /;P;D"], ["D"], ["1h;1!H;$!d;g;s/\\n/,/g"], ["$!N;/^\\(.*\\)\\n\\1$/!P;D"],
            ["a foo"], ["1a foo"], ["$a END"], ["i\\\nbar"], ["2c new"], ["1,2c new"], ["2!c new"], ["/a/c X"], ["y/abc/xyz/"],
            ["y/a\\/b/x|y/"], [":a;N;$!ba;s/\\n/ /g"], ["-e", ":a", "-e", "$!N;s/\\n//;ta"], ["s/a/A/;Tb;s/$/+/;:b"],
            ["-n", "/a/{p;b};p"], ["a\\"], ["b nowhere"], ["y/ab/x/"], [":x;s/aa/a/;tx"], ["a\\  kept"], ["2q;a after"],
            ["1{a foo\nd}"], ["-n", "a x\nn"], ["$!N;a foo"], ["c\\"], ["a  two  spaces"],
        ]),
    ];

    public static TheoryData<string, string[], bool> FilterCases()
    {
        var data = new TheoryData<string, string[], bool>();
        foreach ((string command, string[][] sets) in Filters)
        {
            for (int i = 0; i < sets.Length; i++)
            {
                data.Add(command, sets[i], i == 0);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FilterCases))]
    public async Task Filter_EdgeAndRandomInputs_MatchesGnu(string command, string[] args, bool big)
    {
        IEnumerable<byte[]> inputs = DifferentialInputs.All(random: 4, big: big);
        if (command == "rev")
        {
            // The reference rev (util-linux) rejects bytes above 0x7f under LC_ALL=C and stops lines at NUL;
            // ours reverses bytes (see RevCommand's remarks): compare on what both accept.
            inputs = inputs.Where(input => !input.Any(b => b is 0 or >= 0x80));
        }

        await Differential.AssertSameAsync(command, args, inputs);
    }

    /// <summary>Property-style: every option set of a command on more random inputs (other seeds, longer).</summary>
    [Theory]
    [InlineData("sort")]
    [InlineData("uniq")]
    [InlineData("cut")]
    [InlineData("tr")]
    [InlineData("wc")]
    [InlineData("grep")]
    [InlineData("sed")]
    public async Task Filter_ManySeeds_MatchesGnu(string command)
    {
        string[][] sets = Filters.First(f => f.Command == command).ArgSets;
        var differences = new List<string?>();
        for (int set = 0; set < sets.Length; set++)
        {
            var inputs = new List<byte[]>();
            for (int seed = 1000 + (set * 2); seed < 1002 + (set * 2); seed++)
            {
                var random = new Random(seed);
                inputs.Add(Differential.Bytes(DifferentialInputs.Lines(random, random.Next(0, 80), seed % 4 == 0 ? DifferentialInputs.BytePieces : DifferentialInputs.WordPieces)));
            }

            differences.AddRange(await Differential.FindDifferencesAsync(command, sets[set], inputs));
        }

        Differential.AssertNone(differences);
    }

    /// <summary>Commands that take no input, with the arguments they are compared with.</summary>
    private static readonly (string Command, string[][] ArgSets)[] Generators =
    [
        ("echo", [
            [], ["a", "b"], ["-n", "a"], ["-e", "a\\tb\\n"], ["-e", "\\x41\\0101\\101"], ["-e", "a\\cb"], ["-E", "a\\n"],
            ["-ne", "x"], ["--", "-n"], ["-nx"], ["a", " ", "b"], ["-e", "\\\\"], ["-e", "\\e[0m"], ["-e", "\\x4"], ["-e", "\\0"],
            ["-e", "\\x"], ["-e", "\\q"], ["-en"], ["-e", "\\0400"], ["-eE", "\\n"], ["-e", "a\\"], ["-e", "\\a\\b\\f\\v\\r"],
            ["-", "-e"], ["caf\u00e9"], ["-e", "\\u00e9"],
        ]),
        ("printf", [
            ["%d", "42"], ["%5d|%-5d|%05d", "1", "2", "3"], ["%x %X %o %#x %#o", "255", "255", "8", "255", "8"], ["%c", "hello"],
            ["%s\\n", "a", "b", "c"], ["%b", "a\\tb\\n\\0101\\c"], ["%%\\n"], ["a\\nb\\tc\\\\\\x41\\101"],
            ["%d", "abc"], ["%d", "0x1F"], ["%d", "'A"], ["%s %s\\n", "a"], ["%.3s", "abcdef"], ["%*d", "5", "3"], ["%i", "-7"],
            ["%u", "5"], ["%d", "99999999999999999999"], ["%5.2s|", "abc"], ["x%sy"], [], ["%f", "1.5"], ["%.2f", "3.14159"],
            ["%e", "12345"], ["%g", "0.0001"], ["%d %d\\n", "1", "2", "3"], ["%o", "-1"], ["%x", "-1"], ["%c", ""], ["%s"],
            ["%b", "\\x41\\n"], ["%b", "\\c"], ["%-8s|%8s|\\n", "ab", "cd"], ["%+d % d\\n", "5", "5"], ["\\101\\1018"],
            ["%d", " 12"], ["%d", "12 "], ["%d", "-"], ["%d", "010"], ["%5%"], ["%z"], ["%", "x"], ["\\"], ["%b", "a\\"],
            ["%c%c\\n", "xy", "z"], ["%#X", "0"], ["%.0f %.1e", "2.5", "0.25"], ["%s", "\\n"], ["%-5c|", "q"], ["%ld", "7"],
        ]),
        ("seq", [
            ["10"], ["2", "5"], ["1", "0.5", "3"], ["-w", "8", "12"], ["-s,", "5"], ["-f", "%05.2f", "1", "3"], ["5", "-1", "1"],
            ["0.1", "0.1", "0.5"], ["-f", "x%gy", "3"], ["1e3", "1e3", "3e3"], ["-w", "-5", "5"], ["10", "1"], ["1", "0", "3"],
            ["-s", "", "3"], ["-f", "%e", "1", "2"], ["1.0", "3"], ["-w", "1.5", "0.25", "3"], [], ["x"], ["-f", "%x", "3"],
            ["9999999999999999999", "10000000000000000001"], ["-1"], ["-3", "-1"], ["-w", "0", "0.5", "2"], ["1", "2", "3", "4"],
            ["-s", "\\n", "3"], ["-f", "%%%g%%", "2"], ["-f", "%.3g", "1", "0.333", "2"], ["0"], ["-w", "099"], ["1.50", "3"],
            ["--separator=:", "--equal-width", "9", "11"], ["-f", "%g %g", "1"], ["-f", "%s", "1"], ["-0.5", "1"], ["1", "1e-1", "1.3"],
            ["1.5e1", "20"], ["-w", "1e1", "1e-1", "10.2"], ["-w", "1", ".5", "3"], ["-w", "1.", "3"], ["2e0", "4"], ["-w", "5e-1", "2"],
        ]),
        ("true", [[], ["--help"], ["--version-x"], ["-x"]]),
        ("false", [[], ["--help"], ["x"]]),
    ];

    public static TheoryData<string, string[]> GeneratorCases()
    {
        var data = new TheoryData<string, string[]>();
        foreach ((string command, string[][] sets) in Generators)
        {
            foreach (string[] set in sets)
            {
                data.Add(command, set);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GeneratorCases))]
    public async Task Generator_Arguments_MatchesGnu(string command, string[] args)
    {
        if (args.SequenceEqual(["--help"]))
        {
            // Our help texts are shorter than GNU's: compare the status and the usage line.
            CommandOutcome gnu = await StageHarness.RunReferenceAsync(command, args, []);
            CommandOutcome ours = await StageHarness.RunAsync(Differential.Create(command), args, []);
            Assert.Equal(gnu.ExitStatus, ours.ExitStatus);
            Assert.Equal(gnu.Text.Split('\n')[0], ours.Text.Split('\n')[0]);
            return;
        }

        Differential.AssertNone([await Differential.CompareAsync(command, args, [])]);
    }

    /// <summary><c>CMD --help</c>: GNU's status and first (usage) line, for every command.</summary>
    [Theory]
    [InlineData("cat")]
    [InlineData("echo")]
    [InlineData("printf")]
    [InlineData("tr")]
    [InlineData("cut")]
    [InlineData("sort")]
    [InlineData("uniq")]
    [InlineData("wc")]
    [InlineData("head")]
    [InlineData("tail")]
    [InlineData("tee")]
    [InlineData("seq")]
    [InlineData("tac")]
    [InlineData("nl")]
    [InlineData("paste")]
    [InlineData("yes")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("grep")]
    [InlineData("sed")]
    public async Task Help_EveryCommand_HasGnuStatusAndUsageLine(string command)
    {
        CommandOutcome gnu = await StageHarness.RunReferenceAsync(command, ["--help"], []);
        CommandOutcome ours = await StageHarness.RunAsync(Differential.Create(command), ["--help"], []);
        Assert.Equal(gnu.ExitStatus, ours.ExitStatus);
        string usage = gnu.Text.Split('\n')[0].Replace("/usr/bin/", "", StringComparison.Ordinal);
        Assert.Equal(usage, ours.Text.Split('\n')[0]);
    }

    [Theory]
    [InlineData]
    [InlineData("abc")]
    [InlineData("a", "b c")]
    [InlineData("")]
    [InlineData("--", "-n")]
    public async Task Yes_Arguments_FirstBytesMatchGnu(params string[] args)
    {
        const int Length = 300_000;
        byte[] gnu = await YesReference(args, Length);
        byte[] ours = await YesOurs(args, Length);
        Assert.Equal(Differential.Show(gnu[..Length]), Differential.Show(ours[..Length]));
        Assert.True(gnu.AsSpan(0, Length).SequenceEqual(ours.AsSpan(0, Length)));
    }

    private static async Task<byte[]> YesReference(string[] args, int length)
    {
        var start = new ProcessStartInfo("yes") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start)!;
        var buffer = new byte[length];
        try
        {
            await process.StandardOutput.BaseStream.ReadExactlyAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        return buffer;
    }

    private static async Task<byte[]> YesOurs(string[] args, int length)
    {
        var input = new Pipe();
        var output = new Pipe();
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await input.Writer.CompleteAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Task<PipelineResult> run = Pipeline.RunAsync([new StageStart(Differential.Create("yes"), args) { Input = input.Reader, Output = output.Writer }], error.Writer, cancellationToken: cts.Token);
        var received = new List<byte>();
        while (received.Count < length)
        {
            ReadResult result = await output.Reader.ReadAsync(cts.Token);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                received.AddRange(segment.Span);
            }

            output.Reader.AdvanceTo(result.Buffer.End);
            Assert.False(result.IsCompleted, "yes stopped by itself");
        }

        // The reader goes away, as `head` would: yes stops quietly, with status 0.
        await output.Reader.CompleteAsync();
        PipelineResult finished = await run;
        Assert.Equal(0, finished.ExitStatus);
        return [.. received];
    }
}
