using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text;
using Streams.Pipelines;

namespace Streams.Modules.Tests.Text;

public class TailTests
{
    [Theory]
    [InlineData]
    [InlineData("-n", "1")]
    [InlineData("-n", "0")]
    [InlineData("-n", "+1")]
    [InlineData("-n", "+2")]
    [InlineData("-n", "-2")]
    [InlineData("-c", "3")]
    [InlineData("-c", "+3")]
    [InlineData("-3")]
    [InlineData("-v", "-n1")]
    public async Task Tail_EdgeInputs_MatchesGnu(params string[] args) => await Gnu.SameOnEdgesAsync(() => new TailCommand(), "tail", args);

    [Theory]
    [InlineData("f1", "f2")]
    [InlineData("-n1", "f1", "-", "f2")]
    [InlineData("-q", "-c2", "f1", "f2")]
    [InlineData("f1", "nofile")]
    [InlineData("-n", "y")]
    public async Task Tail_Files_PrintsHeadersLikeGnu(params string[] args)
    {
        using TempDirectory dir = Gnu.Files(("f1", "1\n2\n3"), ("f2", "a\n"));
        await Gnu.SameAsync(() => new TailCommand(), "tail", args, "s\nt\n", dir.Path, compareErrors: true);
    }

    [Fact]
    public async Task Tail_Follow_PrintsAppendedDataUntilCancelled()
    {
        using TempDirectory dir = Gnu.Files(("log", "old1\nold2\n"));
        string path = Path.Combine(dir.Path, "log");
        var input = new Pipe();
        var output = new Pipe();
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await input.Writer.CompleteAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var context = new StageContext(input.Reader, output.Writer, error.Writer, ["-f", "-n", "1", "-s", "0.1", "log"], workingDirectory: dir.Path, cancellationToken: cts.Token);
        ValueTask<int> running = new TailCommand().RunAsync(context);

        Assert.Equal("old2\n", await ReadAtLeastAsync(output.Reader, 5, cts.Token));
        await File.AppendAllTextAsync(path, "new1\nnew2\n", cts.Token);
        Assert.Equal("new1\nnew2\n", await ReadAtLeastAsync(output.Reader, 10, cts.Token));

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await running);
    }

    [Fact]
    public async Task Tail_FollowByName_GoesIntoTheRotatedLogsNewFile()
    {
        using TempDirectory dir = Gnu.Files(("log", "old1\nold2\n"));
        string path = Path.Combine(dir.Path, "log");
        await using var tail = Following.Start(dir.Path, "-F", "-n", "1", "-s", "0.1", "log");
        Assert.Equal("old2\n", await tail.OutputAsync("old2\n"));

        // Renamed away: said once; appended to the old file meanwhile: not this name's any more.
        File.Move(path, path + ".1");
        await tail.ErrorAsync("tail: 'log' has become inaccessible: No such file or directory\n");
        await File.AppendAllTextAsync(path + ".1", "gone\n", tail.Token);
        await File.WriteAllTextAsync(path, "fresh\n", tail.Token);
        await tail.ErrorAsync("tail: 'log' has appeared;  following new file\n");
        Assert.Equal("fresh\n", await tail.OutputAsync("fresh\n"));

        // Replaced in one step (a new file renamed over it): what was appended to the old one still goes out first.
        await File.WriteAllTextAsync(path + ".new", "newest\n", tail.Token);
        await File.AppendAllTextAsync(path, "late\n", tail.Token);
        File.Move(path + ".new", path, overwrite: true);
        Assert.Equal("late\nnewest\n", await tail.OutputAsync("newest\n"));
        await tail.ErrorAsync("tail: 'log' has been replaced;  following new file\n");

        // Truncated: read again from the start.
        await File.WriteAllTextAsync(path, "", tail.Token);
        await tail.ErrorAsync("tail: log: file truncated\n");
        await File.AppendAllTextAsync(path, "again\n", tail.Token);
        Assert.Equal("again\n", await tail.OutputAsync("again\n"));
    }

    [Fact]
    public async Task Tail_FollowByDescriptor_StaysWithTheRenamedFile()
    {
        using TempDirectory dir = Gnu.Files(("log", "a\n"));
        string path = Path.Combine(dir.Path, "log");
        await using var tail = Following.Start(dir.Path, "--follow", "-s", "0.1", "log");
        Assert.Equal("a\n", await tail.OutputAsync("a\n"));
        File.Move(path, path + ".1");
        await File.WriteAllTextAsync(path, "other\n", tail.Token);
        await File.AppendAllTextAsync(path + ".1", "b\n", tail.Token);
        Assert.Equal("b\n", await tail.OutputAsync("b\n"));
    }

    [Fact]
    public async Task Tail_Retry_WaitsForAMissingFile_UnderItsHeader()
    {
        using TempDirectory dir = Gnu.Files(("a", "1\n"));
        await using var tail = Following.Start(dir.Path, "-F", "-s", "0.1", "a", "b");
        Assert.Equal("==> a <==\n1\n", await tail.OutputAsync("1\n"));
        await tail.ErrorAsync("tail: cannot open 'b' for reading: No such file or directory\n");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "b"), "2\n", tail.Token);
        await tail.ErrorAsync("tail: 'b' has appeared;  following new file\n");
        Assert.Equal("\n==> b <==\n2\n", await tail.OutputAsync("2\n"));
    }

    [Fact]
    public async Task Tail_Pid_EndsOnceTheProcessHasEnded_AfterALastLook()
    {
        using TempDirectory dir = Gnu.Files(("log", "x\n"));
        using var sleeper = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", "sleep 0.5; echo y >> log"]) { WorkingDirectory = dir.Path })!;
        await using var tail = Following.Start(dir.Path, "-f", "--pid", sleeper.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-s", "0.1", "log");
        Assert.Equal(0, await tail.Running.AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        await sleeper.WaitForExitAsync(tail.Token);
        // y was appended before the process ended, so the last look saw it.
        Assert.Equal("x\ny\n", await tail.OutputAsync("y\n"));
    }

    [Theory]
    [InlineData("-f", "nothere")]
    [InlineData("--follow=name", "nothere")]
    [InlineData("--retry", "f1")]
    [InlineData("--pid=1", "f1")]
    [InlineData("--follow=x", "f1")]
    [InlineData("--pid=x", "-f", "f1")]
    public async Task Tail_FollowUsage_MatchesGnu(params string[] args)
    {
        using TempDirectory dir = Gnu.Files(("f1", "1\n2\n"));
        await Gnu.SameAsync(() => new TailCommand(), "tail", args, "", dir.Path, compareErrors: true);
    }

    /// <summary>A <c>tail</c> that follows, run in the background with its stdout and stderr in pipes, read with
    /// bounded waits; cancelled when disposed.</summary>
    private sealed class Following : IAsyncDisposable
    {
        private readonly Pipe _output = new();
        private readonly Pipe _error = new(new PipeOptions(pauseWriterThreshold: 0));
        private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(30));
        private string _stderr = "";

        public CancellationToken Token => _cts.Token;

        public ValueTask<int> Running { get; private set; }

        public static Following Start(string directory, params string[] args)
        {
            var following = new Following();
            var input = new Pipe();
            input.Writer.Complete();
            var context = new StageContext(input.Reader, following._output.Writer, following._error.Writer, args, workingDirectory: directory, cancellationToken: following._cts.Token);
            following.Running = new TailCommand().RunAsync(context);
            return following;
        }

        // Everything written to stdout up to and including the first `ending`.
        public async Task<string> OutputAsync(string ending)
        {
            string text = "";
            while (!text.EndsWith(ending, StringComparison.Ordinal))
            {
                ReadResult result = await _output.Reader.ReadAsync(_cts.Token);
                text += System.Text.Encoding.ASCII.GetString(result.Buffer.ToArray());
                _output.Reader.AdvanceTo(result.Buffer.End);
                Assert.False(result.IsCompleted && !text.EndsWith(ending, StringComparison.Ordinal), text);
            }

            return text;
        }

        // Waits until stderr holds `line`; the lines before it are dropped.
        public async Task ErrorAsync(string line)
        {
            while (!_stderr.Contains(line, StringComparison.Ordinal))
            {
                ReadResult result = await _error.Reader.ReadAsync(_cts.Token);
                _stderr += System.Text.Encoding.ASCII.GetString(result.Buffer.ToArray());
                _error.Reader.AdvanceTo(result.Buffer.End);
                Assert.False(result.IsCompleted && !_stderr.Contains(line, StringComparison.Ordinal), _stderr);
            }

            _stderr = _stderr[(_stderr.IndexOf(line, StringComparison.Ordinal) + line.Length)..];
        }

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            try
            {
                await Running;
            }
            catch (OperationCanceledException)
            {
                // Following ends by cancellation.
            }

            _cts.Dispose();
        }
    }

    private static async Task<string> ReadAtLeastAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        ReadResult result = await reader.ReadAtLeastAsync(count, cancellationToken);
        string text = System.Text.Encoding.ASCII.GetString(result.Buffer.ToArray());
        reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    /// <summary>GNU tail 9's obsolete form: <c>+N</c> / <c>-N</c> with b, c, l and f, only as the sole option
    /// with at most one file; otherwise <c>+3</c> is a file name and <c>-3</c> an error. head has only
    /// <c>-N</c>.</summary>
    [Theory]
    [InlineData("tail", "+3")]
    [InlineData("tail", "-3")]
    [InlineData("tail", "+3", "n")]
    [InlineData("tail", "-3", "n")]
    [InlineData("tail", "+3c")]
    [InlineData("tail", "-2c")]
    [InlineData("tail", "+2l")]
    [InlineData("tail", "-3l", "n")]
    [InlineData("tail", "+3", "-")]
    [InlineData("tail", "+3", "n", "n")]
    [InlineData("tail", "-3", "n", "n")]
    [InlineData("tail", "+3", "-n1", "n")]
    [InlineData("tail", "-n1", "+3")]
    [InlineData("tail", "--", "+3")]
    [InlineData("tail", "-3b")]
    [InlineData("tail", "+0")]
    [InlineData("tail", "-0")]
    [InlineData("tail", "+")]
    [InlineData("tail", "-")]
    [InlineData("tail", "-l")]
    [InlineData("tail", "-3q", "n")]
    [InlineData("tail", "+3c", "n")]
    [InlineData("head", "-3")]
    [InlineData("head", "+3")]
    [InlineData("head", "-3", "n")]
    [InlineData("head", "-2l")]
    [InlineData("head", "-3c")]
    public async Task TailHead_ObsoleteForms_MatchGnu(string command, params string[] args)
    {
        using TempDirectory dir = Gnu.Files(("n", "1\n2\n3\n4\n5\n"));
        string stdin = string.Concat(Enumerable.Range(1, 700).Select(i => $"{i}\n"));
        await Gnu.SameAsync(() => Differential.Create(command), command, args, stdin, dir.Path, compareErrors: true);
    }
}
