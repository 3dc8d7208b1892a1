using System.Diagnostics;
using System.Text;
using Streams.Testing;
using Streams.Transports.Processes;

namespace Streams.Transports.Tests.Drivers;

public class ExecDriverTests
{
    private static readonly TimeSpan Wait = DriverTestSupport.Wait;

    private static StreamOptions Options(MessagePool pool) => new() { Pool = pool, CloseTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Exec_Cat_EchoesInOrderAndEndsAfterHalfClose()
    {
        var pool = new MessagePool();
        StreamHead head = await Transport.OpenAsync("exec:cat", Options(pool)).WaitAsync(Wait);
        var expected = new StringBuilder();
        Task<byte[]> reader = DriverTestSupport.ReadAllAsync(head);
        for (int i = 0; i < 20_000; i++)
        {
            string line = $"line {i}\n";
            expected.Append(line);
            await head.WriteAsync(line).AsTask().WaitAsync(Wait);
        }

        await head.CompleteWritesAsync();
        Assert.Equal(expected.ToString(), Encoding.ASCII.GetString(await reader.WaitAsync(Wait)));
        Assert.Equal(HangupKind.PeerClosed, head.EndReason);
        Assert.Equal(0, await head.ControlAsync(ExecTransport.StatusControl, timeout: Wait));
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Exec_ExitStatus_IsReportedByControl()
    {
        var pool = new MessagePool();
        StreamHead head = await Transport.OpenAsync("exec:sh -c 'exit 3'", Options(pool)).WaitAsync(Wait);
        Assert.Empty(await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait));
        Assert.Equal(3, await head.ControlAsync(ExecTransport.StatusControl, timeout: Wait));
        Assert.Equal("exec:sh -c 'exit 3'", head.Driver.Name);
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Exec_StillRunning_StatusIsRefusedAndAbortKillsTheChild()
    {
        var pool = new MessagePool();
        StreamHead head = await Transport.OpenAsync("exec:sh -c 'echo $$; exec sleep 60'", Options(pool)).WaitAsync(Wait);
        using var cts = new CancellationTokenSource(Wait);
        Message first = (await head.ReadAsync(cts.Token))!;
        int pid = int.Parse(first.ToText().Trim(), System.Globalization.CultureInfo.InvariantCulture);
        first.Release();
        Exception refused = await Assert.ThrowsAnyAsync<Exception>(() => head.ControlAsync(ExecTransport.StatusControl, timeout: Wait));
        Assert.Contains("still running", refused.Message, StringComparison.Ordinal);
        await head.AbortAsync().WaitAsync(Wait);
        await head.Completion.WaitAsync(Wait);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Exec_ChildStopsReading_WritesAreDiscardedAndTheEndArrives()
    {
        var pool = new MessagePool();
        StreamHead head = await Transport.OpenAsync("exec:head -c 5", Options(pool)).WaitAsync(Wait);
        Task<byte[]> reader = DriverTestSupport.ReadAllAsync(head);
        for (int i = 0; i < 200; i++)
        {
            try
            {
                await head.WriteAsync(new byte[64 * 1024]).AsTask().WaitAsync(Wait);
            }
            catch (StreamException)
            {
                break;
            }
        }

        Assert.Equal(5, (await reader.WaitAsync(Wait)).Length);
        Assert.Null(head.Error);
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Theory]
    [InlineData("exec:no-such-program-xyz", "no-such-program-xyz: command not found")]
    [InlineData("exec:sh -c 'unterminated", "unterminated quote")]
    public async Task Exec_BadCommand_ClearErrorNamingTheAddress(string address, string expected)
    {
        StreamException error = await Assert.ThrowsAsync<StreamException>(() => Transport.OpenAsync(address));
        Assert.Equal(address, error.Component);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

public class FileDriverTests
{
    private static readonly TimeSpan Wait = DriverTestSupport.Wait;

    private static StreamOptions Options(MessagePool pool) => new() { Pool = pool, CloseTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task File_Read_ReadsAllThenHangup()
    {
        var pool = new MessagePool();
        string path = DriverTestSupport.TempPath("in.bin");
        byte[] data = DriverTestSupport.Pattern(1_000_003);
        await File.WriteAllBytesAsync(path, data);
        StreamHead head = await Transport.OpenAsync($"file:{path}", Options(pool)).WaitAsync(Wait);
        byte[] received = await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait);
        Assert.True(data.AsSpan().SequenceEqual(received));
        Assert.Equal(HangupKind.PeerClosed, head.EndReason);
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task File_ReadOnly_WriteFailsNamingTheAddress()
    {
        var pool = new MessagePool();
        string path = DriverTestSupport.TempPath("in.txt");
        await File.WriteAllTextAsync(path, "x");
        StreamHead head = await Transport.OpenAsync($"file:{path}", Options(pool)).WaitAsync(Wait);

        // Read to the end first: a hangup that reaches a head already failed is never released (a core issue,
        // reported), which would trip the leak check below for a reason that is not this driver's.
        Assert.Equal("x", Encoding.ASCII.GetString(await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait)));
        await head.WriteAsync("refused");
        await head.Completion.WaitAsync(Wait);
        Assert.NotNull(head.Error);
        Assert.Equal($"file:{path}", head.Error!.Component);
        Assert.Contains("opened for reading only", head.Error.Message, StringComparison.Ordinal);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task File_WriteThenAppend_WritesInOrderAndReadSideEndsAfterWrites()
    {
        var pool = new MessagePool();
        string path = DriverTestSupport.TempPath("out.txt");
        await File.WriteAllTextAsync(path, "old content that is truncated");
        StreamHead head = await Transport.OpenAsync($"file:>{path}", Options(pool)).WaitAsync(Wait);
        for (int i = 0; i < 1000; i++)
        {
            await head.WriteAsync($"{i}\n");
        }

        await head.CompleteWritesAsync();
        Assert.Empty(await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait));
        await head.CloseAsync().WaitAsync(Wait);
        StreamHead append = await Transport.OpenAsync($"file:>>{path}", Options(pool)).WaitAsync(Wait);
        await append.WriteAsync("end\n");
        await append.CloseAsync().WaitAsync(Wait);
        string expected = string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i}\n")) + "end\n";
        Assert.Equal(expected, await File.ReadAllTextAsync(path));
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task File_ReadWrite_ReadsTheFileAndWritesFromTheStart()
    {
        var pool = new MessagePool();
        string path = DriverTestSupport.TempPath("rw.txt");
        await File.WriteAllTextAsync(path, "abcdef");
        StreamHead head = await Transport.OpenAsync($"file:<>{path}", Options(pool)).WaitAsync(Wait);
        Assert.Equal("abcdef", Encoding.ASCII.GetString(await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait)));
        await head.WriteAsync("XY");
        await head.CloseAsync().WaitAsync(Wait);
        Assert.Equal("XYcdef", await File.ReadAllTextAsync(path));
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task File_Missing_ClearError()
    {
        string path = DriverTestSupport.TempPath("missing.txt");
        StreamException error = await Assert.ThrowsAsync<StreamException>(() => Transport.OpenAsync($"file:{path}"));
        Assert.Equal($"file:{path}: no such file or directory", error.Message);
    }

    [Fact]
    public async Task Fd_NotOpen_ClearError()
    {
        StreamException error = await Assert.ThrowsAsync<StreamException>(() => Transport.OpenAsync("fd:987"));
        Assert.Equal("fd:987: bad file descriptor (not open)", error.Message);
    }
}

public class FifoDriverTests
{
    private static readonly TimeSpan Wait = DriverTestSupport.Wait;

    private static string MakeFifo()
    {
        string path = DriverTestSupport.TempPath("f.fifo");
        using Process mk = Process.Start("mkfifo", [path])!;
        mk.WaitForExit(10_000);
        Assert.Equal(0, mk.ExitCode);
        return path;
    }

    [Fact]
    public async Task Fifo_Read_FromShellWriter_ReadsAllThenHangup()
    {
        var pool = new MessagePool();
        string path = MakeFifo();
        Task<StreamHead> open = Transport.OpenAsync($"fifo:{path}", new StreamOptions { Pool = pool });
        await using PeerProcess writer = PeerProcess.Start("sh", "-c", $"seq 1 20000 > '{path}'");
        StreamHead head = await open.WaitAsync(Wait);
        string text = Encoding.ASCII.GetString(await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait));
        Assert.Equal(string.Concat(Enumerable.Range(1, 20000).Select(i => $"{i}\n")), text);
        Assert.Equal(0, await writer.WaitForExitAsync());
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Fifo_Write_ToCat_CatSeesEndAfterHangup()
    {
        var pool = new MessagePool();
        string path = MakeFifo();
        await using PeerProcess cat = PeerProcess.Start("cat", path);
        StreamHead head = await Transport.OpenAsync($"fifo:>{path}", new StreamOptions { Pool = pool }).WaitAsync(Wait);
        Task<string> output = DriverTestSupport.ReadToEndAsync(cat.Stdout);
        await head.WriteAsync("through the fifo\n");
        await head.CompleteWritesAsync();
        Assert.Equal("through the fifo\n", await output.WaitAsync(Wait));
        Assert.Equal(0, await cat.WaitForExitAsync());
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Fifo_OpenWaitingForWriter_IsCancelled()
    {
        string path = MakeFifo();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Transport.OpenAsync($"fifo:{path}", null, cts.Token).WaitAsync(Wait));
    }
}
