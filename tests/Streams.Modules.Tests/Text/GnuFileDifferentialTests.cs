using Streams.Testing;

namespace Streams.Modules.Tests.Text;

/// <summary>Commands on named files (with <c>-</c>, missing files, empty files and files they write) compared with
/// GNU: each side runs in its own copy of the same directory, and stdout, status and the directory's files after
/// the run must be equal.</summary>
public class GnuFileDifferentialTests
{
    private static readonly (string Name, string Content)[] Files =
    [
        ("f1", "a\nb\nc\nb\n"),
        ("f2", "x y z"),
        ("e", ""),
        ("crlf", "p q\r\nq\r\n\r\n"),
        ("bin", "a\0b\n\xff\xfe\n"),
        ("gaps", "x\n\n\ny\n"),
        ("nul", "a\0b x\0c\nd\0\0e"),
        ("list0", "f1\0f2\0e\0"),
        ("listbad", "f1\0\0nofile\0big"),
        ("big", string.Concat(Enumerable.Range(0, 30_000).Select(i => $"line {i % 977} {(i * 7919) % 1000}\n"))),
    ];

    public static TheoryData<string, string[]> Cases() => new()
    {
        { "wc", ["f1", "f2"] }, { "wc", ["-l", "f1", "-", "f2"] }, { "wc", ["-c", "f1"] }, { "wc", ["f1"] }, { "wc", ["f1", "nofile"] },
        { "wc", ["-"] }, { "wc", ["e"] }, { "wc", ["-w", "big"] }, { "wc", ["-lwc", "f1", "f2", "e"] }, { "wc", ["-m", "crlf", "bin"] },
        { "wc", ["--files0-from=list0"] }, { "wc", ["-l", "--files0-from", "listbad"] }, { "wc", ["--files0-from=list0", "f1"] },
        { "wc", ["--files0-from=nolist"] }, { "wc", ["--files0-from=-"] }, { "wc", ["-c", "--files0-from=listbad"] },
        { "wc", ["big", "-"] }, { "wc", ["-l", "-", "big"] }, { "wc", ["-lw", "big"] },
        { "cat", ["f1", "-", "f2"] }, { "cat", ["-n", "f1", "f2"] }, { "cat", ["-b", "f1", "e", "f2"] }, { "cat", ["nofile", "f1"] },
        { "cat", ["-E", "crlf"] }, { "cat", ["-nE", "f2", "crlf", "-"] },
        { "head", ["-n1", "f1", "f2"] }, { "head", ["-q", "-n1", "f1", "f2"] }, { "head", ["-v", "f1"] }, { "head", ["-c3", "f1", "-", "f2"] },
        { "head", ["f1", "nofile"] }, { "head", ["-n", "-1", "f1", "f2"] }, { "head", ["-c", "-2", "big"] }, { "head", ["e", "f2"] },
        { "head", ["-z", "-n2", "nul"] }, { "head", ["-z", "-n", "-1", "nul", "f1"] }, { "head", ["--zero-terminated", "-c3", "nul", "-"] },
        { "tail", ["-z", "-n2", "nul"] }, { "tail", ["-z", "-n", "+3", "nul"] }, { "tail", ["-zn1", "nul", "f1", "-"] }, { "tail", ["-z", "big"] },
        { "tail", ["-n1", "f1", "f2"] }, { "tail", ["-q", "f1", "f2"] }, { "tail", ["-c2", "f2"] }, { "tail", ["-n", "+2", "f1", "f2"] },
        { "tail", ["-v", "-n1", "f1"] }, { "tail", ["f1", "nofile"] }, { "tail", ["-n2", "big"] }, { "tail", ["-c", "+29", "big"] },
        { "tail", ["-n", "+0", "-", "f1"] }, { "tail", ["e", "f2", "-"] },
        { "paste", ["--zero-terminated", "nul", "f1"] }, { "paste", ["-zs", "-d,", "nul", "-"] },
        { "paste", ["f1", "f2"] }, { "paste", ["-s", "f1", "f2"] }, { "paste", ["-d:", "f1", "-", "f2"] }, { "paste", ["f1", "e"] },
        { "paste", ["-s", "-d,", "f1", "e", "f2"] }, { "paste", ["f1", "nofile"] },
        { "nl", ["f1", "f2"] }, { "nl", ["-ba", "e", "f2", "-"] },
        { "grep", ["a", "f1", "f2"] }, { "grep", ["-l", "b", "f1", "f2", "e"] }, { "grep", ["-c", "b", "f1", "f2"] }, { "grep", ["-h", "b", "f1", "f2"] },
        { "grep", ["-H", "x", "f2"] }, { "grep", ["-L", "a", "f1", "f2", "e"] }, { "grep", ["a", "nofile", "f1"] }, { "grep", ["-s", "a", "nofile"] },
        { "grep", ["-A1", "a", "f1", "f2"] }, { "grep", ["-C1", "-n", "b", "f1", "f2", "bin"] },
        { "grep", ["-q", "a", "nofile", "f1"] }, { "grep", ["a", "bin"] }, { "grep", ["-n", "line 9", "big", "-"] }, { "grep", ["-c", "q", "crlf", "-"] },
        { "grep", ["-I", "a", "bin", "f1"] }, { "grep", ["-Ic", "a", "bin", "f1", "-"] }, { "grep", ["-I", "-L", "a", "bin", "f1"] },
        { "grep", ["-bT", "b", "f1", "f2", "-"] }, { "grep", ["-nbT", "line 97", "big"] }, { "grep", ["-T", "a", "f1", "f2"] },
        { "grep", ["-b", "-o", "b", "f1", "-"] }, { "grep", ["-Z", "b", "f1", "f2"] }, { "grep", ["-lZ", "b", "f1", "f2", "e"] },
        { "grep", ["-LZ", "a", "f1", "f2", "e"] }, { "grep", ["-cZ", "b", "f1", "f2"] }, { "grep", ["-ZnbT", "-C1", "b", "f1", "crlf"] },
        { "grep", ["--null", "--byte-offset", "--initial-tab", "-H", "q", "crlf"] }, { "grep", ["-nT", "-v", "x", "gaps"] },
        { "grep", ["-bnT", "-B1", "y", "gaps"] }, { "grep", ["-u", "-b", "a", "f1"] }, { "grep", ["-obT", "[a-c]", "f1", "gaps"] },
        { "grep", ["-z", "b", "bin", "nul"] }, { "grep", ["-zn", "-A1", "b", "nul"] }, { "grep", ["-zc", "", "nul", "-"] },
        { "grep", ["-zo", "[a-e]", "nul"] }, { "grep", ["-z", "^c", "nul"] }, { "grep", ["-z", "c.d", "nul", "f1"] },
        { "grep", ["-zvx", "e", "nul"] }, { "grep", ["-zlZ", "e", "nul", "f1"] }, { "grep", ["--null-data", "-bT", "d$", "nul"] },
        { "grep", ["--color=always", "-Hn", "b", "f1", "f2"] }, { "grep", ["--color=always", "-v", "-C1", "a", "f1"] },
        { "grep", ["--colour=always", "-o", "-b", "[bc]", "f1", "-"] }, { "grep", ["--color=always", "-c", "b", "f1", "f2"] },
        { "grep", ["--color=ALWAYS", "-lZ", "b", "f1", "f2"] }, { "grep", ["--color=always", "q", "crlf"] }, { "grep", ["--color=auto", "b", "f1"] },
        { "grep", ["--color=always", "-A0", "--group-separator=::", "b", "f1"] }, { "grep", ["--no-group-separator", "-A0", "b", "f1"] },
        { "grep", ["--color=always", "-E", "-w", "b|q", "crlf", "f1", "-"] }, { "grep", ["--color", "b", "f1"] },
        { "grep", ["-a", "-n", "a", "bin"] }, { "grep", ["--binary-files=text", "-c", "b", "bin"] }, { "grep", ["--text", "-o", "b.", "bin"] },
        { "sed", ["-n", "p", "f1", "f2"] }, { "sed", ["$d", "f1", "f2"] }, { "sed", ["=", "f1", "f2"] }, { "sed", ["s/a/b/", "nofile", "f1"] },
        { "sed", ["-n", "$p", "f1", "-", "e"] },
        { "sort", ["--files0-from=list0"] }, { "sort", ["-r", "--files0-from", "listbad"] }, { "sort", ["--files0-from=list0", "f1"] },
        { "sort", ["--files0-from=nolist"] }, { "sort", ["--files0-from=-"] }, { "sort", ["-c", "--files0-from=list0"] },
        { "sort", ["f1", "f2"] }, { "sort", ["-o", "out", "f2", "f1"] }, { "sort", ["-o", "f1", "f1", "f2"] }, { "sort", ["-u", "f1", "f1"] },
        { "sort", ["-c", "f1"] }, { "sort", ["-k2n", "-k3,3nr", "big"] }, { "sort", ["nofile"] }, { "sort", ["-n", "big", "-"] },
        { "tee", ["out1", "out2"] }, { "tee", ["-a", "f1"] }, { "tee", ["out1", "nodir/x"] },
        { "cut", ["-c1", "f1", "f2"] }, { "cut", ["-d", " ", "-f2", "f2", "-", "f1"] },
        { "uniq", ["f1"] }, { "uniq", ["f1", "out"] }, { "uniq", ["-c", "big"] }, { "uniq", ["nofile"] },
        { "tac", ["f1", "f2"] }, { "tac", ["f2", "f1", "-"] }, { "rev", ["f1", "f2"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Files_CommandOnNamedFiles_MatchesGnu(string command, string[] args)
    {
        using TempDirectory gnuDir = Gnu.Files(Files);
        using TempDirectory ourDir = Gnu.Files(Files);
        byte[] stdin = "in\nput b\n"u8.ToArray();
        CommandOutcome gnu = await StageHarness.RunReferenceAsync(command, args, stdin, gnuDir.Path, TimeSpan.FromSeconds(20));
        CommandOutcome ours = await StageHarness.RunAsync(Differential.Create(command), args, stdin, ourDir.Path, TimeSpan.FromSeconds(20));
        string context = $"{command} {string.Join(' ', args)}";
        Assert.True(gnu.Stdout.AsSpan().SequenceEqual(ours.Stdout), $"{context}\nGNU:  {Differential.Show(gnu.Stdout)}\nours: {Differential.Show(ours.Stdout)}\nours stderr: {ours.ErrorText}");
        Assert.True(gnu.ExitStatus == ours.ExitStatus, $"{context}: status GNU {gnu.ExitStatus} ({gnu.ErrorText}), ours {ours.ExitStatus} ({ours.ErrorText})");
        Assert.Equal(Snapshot(gnuDir.Path), Snapshot(ourDir.Path));
    }

    /// <summary>Every file in the directory with its content, for comparing what the commands wrote.</summary>
    private static string Snapshot(string directory)
        => string.Join("\n", Directory.GetFiles(directory).Order(StringComparer.Ordinal)
            .Select(f => Path.GetFileName(f) + ": " + Describe(File.ReadAllBytes(f))));

    private static string Describe(byte[] content)
        => Differential.Show(content) + " sha256 " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content))[..16];
}
