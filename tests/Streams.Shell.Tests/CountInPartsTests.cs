using System.Text;

namespace Streams.Shell.Tests;

/// <summary><c>wc</c> and <c>grep -c</c> read a large regular file (the shell's own stdin or a file operand) in
/// parts that end on a newline, one per processor: the counts, the status and the stdin offset they leave must be
/// those of GNU reading it in one go. These run the built program under <c>sh</c>, so that stdin is a real file;
/// <c>DOTNET_PROCESSOR_COUNT</c> sets how many parts there are.</summary>
public sealed class CountInPartsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("streams-parts").FullName;

    public CountInPartsTests()
    {
        // log.txt: 10 MB of log lines with NULs here and there (GNU grep ends a line at a NUL in a binary file) and
        // no final newline. long.txt: short lines around one 6 MiB line that holds the middle of the file, so the
        // line that a part's even share ends in is longer than the search for its end and longer than a part.
        var rng = new Random(5);
        var log = new StringBuilder();
        string[] levels = ["INFO", "INFO", "WARN", "ERROR", "DEBUG", "error"];
        while (log.Length < 10_000_000)
        {
            log.Append("2026-11-07 req=").Append(rng.Next()).Append(' ').Append(levels[rng.Next(levels.Length)])
                .Append(rng.Next(50) == 0 ? "\0x ERROR" : "").Append(" user u").Append(rng.Next(100)).Append('\n');
        }

        log.Append("last ERROR line without newline");
        File.WriteAllBytes(Path.Combine(_dir, "log.txt"), Encoding.Latin1.GetBytes(log.ToString()));

        var lines = new StringBuilder();
        while (lines.Length < 4_000_000)
        {
            lines.Append("w ").Append(rng.Next(1000)).Append(" ERROR\n");
        }

        lines.Append('x', 6 << 20).Append(" ERROR\n");
        while (lines.Length < 14_000_000)
        {
            lines.Append("tail ").Append(rng.Next(1000)).Append('\n');
        }

        File.WriteAllBytes(Path.Combine(_dir, "long.txt"), Encoding.Latin1.GetBytes(lines.ToString()));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("2")]
    [InlineData("5")]
    public async Task Counts_FromStdinAndFiles_SameAsGnu(string processors)
    {
        string[] commands =
        [
            "wc", "wc -l", "wc -w", "wc -lc", "wc -L", "wc -lL", "wc log.txt long.txt", "wc -l - long.txt",
            "grep -c ERROR", "grep -vc ERROR", "grep -c 'req=1[0-9]*5 '", "grep -ic error", "grep -c -E 'ERROR|WARN'",
            "grep -c ERROR log.txt long.txt", "grep -c nothing-like-this", "grep -xc 'tail 7'",
        ];
        foreach (string input in new[] { "log.txt", "long.txt" })
        {
            foreach (string command in commands)
            {
                ShellOutcome gnu = await Sh($"LC_ALL=C {command} < {input}; echo \"status $?\"", processors);
                ShellOutcome ours = await Sh($"{Streams} -c \"{command}\" < {input}; echo \"status $?\"", processors);
                Assert.True(gnu.Out == ours.Out, $"{command} < {input} ({processors} processors)\nGNU:  {gnu.Out}\nours: {ours.Out} {ours.Err}");
            }
        }
    }

    [Fact]
    public async Task StdinOffset_StartsWhereTheShellLeftIt_AndEndsAtTheEnd()
    {
        // dd reads exactly 1000 bytes, so wc counts from there; the cat after it finds nothing left.
        string script = $"{{ dd bs=1000 count=1 of=/dev/null 2>/dev/null; {Streams} -c 'wc -c; grep -c ERROR'; cat; echo END; }} < log.txt";
        ShellOutcome o = await Sh(script, "2");
        long size = new FileInfo(Path.Combine(_dir, "log.txt")).Length;
        Assert.Equal($"{size - 1000}\n0\nEND\n", o.Out);
        Assert.Equal("", o.Err);
    }

    private static string Streams => $"dotnet '{ShellRunner.ProgramPath}'";

    private Task<ShellOutcome> Sh(string script, string processors)
        => ShellRunner.RunProcessAsync("/usr/bin/env", [$"DOTNET_PROCESSOR_COUNT={processors}", "/bin/sh", "-c", script], "", _dir, TimeSpan.FromSeconds(60));
}
