using System.IO.Pipelines;
using Streams.Modules.Text;
using Streams.Pipelines;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

/// <summary>Sort past its run size: sorted runs through temporary files, merged at the end, must give GNU's
/// output (stability across runs, -u's first of equals, keys, a last line without newline) and leave no file
/// behind. The run size is lowered to a few bytes so that a small input makes many runs.</summary>
public class SortRunsTests
{
    [Theory]
    [InlineData]
    [InlineData("-s")]
    [InlineData("-u")]
    [InlineData("-r")]
    [InlineData("-n")]
    [InlineData("-f")]
    [InlineData("-k2,2", "-t", ",")]
    [InlineData("-s", "-k1,1")]
    [InlineData("-s", "-f")]
    [InlineData("-u", "-f")]
    [InlineData("-nu")]
    [InlineData("-rs", "-k1,1n")]
    [InlineData("-ru", "-k2,2", "-t", ",")]
    [InlineData("-s", "-k2,2n", "-t", ",")]
    public async Task Sort_ManyRuns_MatchesGnuAndLeavesNoTemporaryFile(params string[] args)
    {
        var random = new Random(string.Join(' ', args).Length * 31 + 5);
        foreach (int runSize in new[] { 100, 1, 37 })
        {
            for (int round = 0; round < 3; round++)
            {
                string content = Gnu.RandomLines(random, random.Next(50, 400));
                if (round == 1)
                {
                    // A last line without newline, as GNU adds one.
                    content = content.TrimEnd('\n') + "z,1";
                }

                using TempDirectory temporary = Gnu.Files();
                string[] all = [.. args, "-T", temporary.Path];
                byte[] input = Gnu.Bytes(content);
                CommandOutcome gnu = await StageHarness.RunReferenceAsync("sort", all, input);
                CommandOutcome ours = await Gnu.RunOursAsync(new SortCommand { RunSize = runSize }, all, input, chunk: round == 2 ? 13 : 0);
                Assert.True(gnu.Text == ours.Text, $"sort {string.Join(' ', args)} (run size {runSize}) differs; stderr: {ours.ErrorText}");
                Assert.Equal(gnu.ExitStatus, ours.ExitStatus);
                Assert.Empty(Directory.GetFileSystemEntries(temporary.Path));
            }
        }
    }

    /// <summary>-o naming one of the inputs: all input (runs included) is read before the output is opened.</summary>
    [Theory]
    [InlineData("-o", "a", "a", "b")]
    [InlineData("-u", "-o", "b", "a", "b")]
    [InlineData("-n", "-s", "-o", "a", "b", "a")]
    public async Task Sort_ManyRunsIntoAnInput_MatchesGnu(params string[] args)
    {
        var random = new Random(3);
        (string, string)[] files = [("a", Gnu.RandomLines(random, 200)), ("b", Gnu.RandomLines(random, 150).TrimEnd('\n'))];
        using TempDirectory gnuDir = Gnu.Files(files);
        using TempDirectory ourDir = Gnu.Files(files);
        using TempDirectory temporary = Gnu.Files();
        string[] all = [.. args, "-T", temporary.Path];
        CommandOutcome gnu = await StageHarness.RunReferenceAsync("sort", all, [], gnuDir.Path);
        CommandOutcome ours = await Gnu.RunOursAsync(new SortCommand { RunSize = 64 }, all, [], ourDir.Path);
        Assert.Equal(gnu.ExitStatus, ours.ExitStatus);
        foreach (string name in new[] { "a", "b" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(gnuDir.Path, name)), File.ReadAllText(Path.Combine(ourDir.Path, name)));
        }

        Assert.Empty(Directory.GetFileSystemEntries(temporary.Path));
    }

    /// <summary>Lines longer than the run size: each makes a run of its own, whole.</summary>
    [Fact]
    public async Task Sort_LinesLongerThanTheRunSize_MatchesGnu()
    {
        var random = new Random(9);
        string content = string.Concat(Enumerable.Range(0, 60).Select(i => new string((char)('a' + random.Next(3)), random.Next(1, 300)) + "\n"));
        using TempDirectory temporary = Gnu.Files();
        string[] args = ["-T", temporary.Path];
        CommandOutcome gnu = await StageHarness.RunReferenceAsync("sort", args, Gnu.Bytes(content));
        CommandOutcome ours = await Gnu.RunOursAsync(new SortCommand { RunSize = 50 }, args, Gnu.Bytes(content), chunk: 7);
        Assert.Equal(gnu.Text, ours.Text);
        Assert.Empty(Directory.GetFileSystemEntries(temporary.Path));
    }

    /// <summary>A temporary directory that cannot be written: GNU's message and status 2.</summary>
    [Fact]
    public async Task Sort_RunsInAMissingDirectory_FailsAsGnu()
    {
        byte[] input = Gnu.Bytes(Gnu.RandomLines(new Random(1), 100));
        CommandOutcome ours = await Gnu.RunOursAsync(new SortCommand { RunSize = 100 }, ["-T", "/nonexistent-sort-dir"], input);
        Assert.Equal(2, ours.ExitStatus);
        Assert.Empty(ours.Stdout);
        Assert.StartsWith("sort: cannot create temporary file in '/nonexistent-sort-dir': ", ours.ErrorText, StringComparison.Ordinal);
    }

    /// <summary>Cancelled while reading, after runs were written: the runs' files are deleted all the same; $TMPDIR
    /// names the directory when there is no -T.</summary>
    [Fact]
    public async Task Sort_CancelledAfterRuns_LeavesNoTemporaryFile()
    {
        using TempDirectory temporary = Gnu.Files();
        var input = new Pipe();
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var environment = new Dictionary<string, string> { ["TMPDIR"] = temporary.Path };
        var context = new StageContext(input.Reader, output.Writer, error.Writer, [], environment, temporary.Path, cts.Token);
        ValueTask<int> running = new SortCommand { RunSize = 100 }.RunAsync(context);
        await input.Writer.WriteAsync(Gnu.Bytes(Gnu.RandomLines(new Random(2), 200)), cts.Token);
        while (Directory.GetFileSystemEntries(temporary.Path).Length == 0)
        {
            await Task.Delay(10, cts.Token);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await running);
        Assert.Empty(Directory.GetFileSystemEntries(temporary.Path));
    }
}
