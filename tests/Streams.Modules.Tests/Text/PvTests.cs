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
}
