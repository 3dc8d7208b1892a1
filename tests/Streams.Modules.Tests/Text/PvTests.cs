using Streams.Modules.Text;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

public class PvTests
{
    [Fact]
    public async Task Pv_Input_CopiedUnchangedAndReportedOnStderr()
    {
        byte[] input = Gnu.Bytes(new string('z', 300_000) + "\r\n\xff");
        CommandOutcome outcome = await StageHarness.RunAsync(new PvCommand(), [], input);
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal(input, outcome.Stdout);
        Assert.Matches(@"^pv: 300003 bytes \(293\.0 KiB\), \d+\.\d\d s, [\d.]+ [KMG]?i?B/s\n$", outcome.ErrorText);
    }

    [Fact]
    public async Task Pv_Quiet_ReportsNothing()
    {
        CommandOutcome outcome = await StageHarness.RunAsync(new PvCommand(), ["-q"], Gnu.Bytes("abc"));
        Assert.Equal("abc", outcome.Text);
        Assert.Empty(outcome.Stderr);
    }

    [Fact]
    public void Pv_Report_ShowsBytesElapsedAndRate()
        => Assert.Equal("pv: 2097152 bytes (2.0 MiB), 2.00 s, 1.0 MiB/s", PvCommand.Report(2 * 1024 * 1024, TimeSpan.FromSeconds(2), final: true));

    /// <summary>pv FILE... concatenates its files (and stdin for -) as cat does: the same bytes as GNU cat.</summary>
    [Theory]
    [InlineData("f1")]
    [InlineData("f1", "f2")]
    [InlineData("f1", "-", "f2")]
    [InlineData("-q", "e", "bin", "f1")]
    [InlineData("-")]
    public async Task Pv_Files_ConcatenatedAsCatDoes(params string[] args)
    {
        using TempDirectory dir = Gnu.Files(("f1", "a\nb"), ("f2", "x y z\n"), ("e", ""), ("bin", "\0\xff\r\n"));
        byte[] stdin = Gnu.Bytes("in\nput");
        CommandOutcome cat = await StageHarness.RunReferenceAsync("cat", args.Where(a => a != "-q").ToArray(), stdin, dir.Path);
        CommandOutcome ours = await Gnu.RunOursAsync(new PvCommand(), args, stdin, dir.Path);
        Assert.Equal(cat.Stdout, ours.Stdout);
        Assert.Equal(0, ours.ExitStatus);
    }

    [Fact]
    public async Task Pv_MissingFile_ReportedSkippedAndStatusTwo()
    {
        using TempDirectory dir = Gnu.Files(("f1", "a\n"), ("f2", "b\n"));
        CommandOutcome outcome = await Gnu.RunOursAsync(new PvCommand(), ["-q", "f1", "nofile", "f2"], [], dir.Path);
        Assert.Equal("a\nb\n", outcome.Text);
        Assert.Equal("pv: nofile: No such file or directory\n", outcome.ErrorText);
        Assert.Equal(2, outcome.ExitStatus);
    }
}
