using System.Diagnostics;
using Streams.Shell.Execution;

namespace Streams.Shell.Tests;

public class DescriptorStreamTests
{
    [Fact]
    public async Task PollingRead_IsCancellable_AndLeavesLaterInputToTheNextReader()
    {
        string fifo = Path.Combine(Path.GetTempPath(), "streams-fifo-" + Guid.NewGuid().ToString("N"));
        using (Process mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        try
        {
            // Read-write keeps a writer open, so the read waits instead of seeing the end of the input.
            using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(fifo, FileMode.Open, FileAccess.ReadWrite);
            var stream = new DescriptorStream((int)handle.DangerousGetHandle(), poll: true);
            byte[] buffer = new byte[16];
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.ReadAsync(buffer, cts.Token).AsTask());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));

            // The cancelled read is really gone: the next bytes go to the next reader.
            stream.Write("next\n"u8);
            int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal("next\n", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public async Task ReadAsync_OfARegularFile_CompletesOnTheCallersThread_AndReadsItAll()
    {
        string path = Path.GetTempFileName();
        try
        {
            byte[] data = new byte[300_000];
            new Random(7).NextBytes(data);
            await File.WriteAllBytesAsync(path, data);
            using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            var stream = new DescriptorStream((int)handle.DangerousGetHandle());
            var got = new MemoryStream();
            byte[] buffer = new byte[65536];
            while (true)
            {
                ValueTask<int> read = stream.ReadAsync(buffer);
                Assert.True(read.IsCompleted, "a regular file is read without a thread hand-off");
                int n = await read;
                if (n == 0)
                {
                    break;
                }

                got.Write(buffer, 0, n);
            }

            Assert.Equal(data, got.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Write_ToPipeWithoutReader_FailsWithIOException()
    {
        string fifo = Path.Combine(Path.GetTempPath(), "streams-fifo-" + Guid.NewGuid().ToString("N"));
        using (Process mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        try
        {
            using Microsoft.Win32.SafeHandles.SafeFileHandle reader = File.OpenHandle(fifo, FileMode.Open, FileAccess.ReadWrite);
            using Microsoft.Win32.SafeHandles.SafeFileHandle writer = File.OpenHandle(fifo, FileMode.Open, FileAccess.Write);
            reader.Dispose();
            var stream = new LockedStream(new DescriptorStream((int)writer.DangerousGetHandle()));
            Assert.Throws<Streams.Pipelines.BrokenPipeException>(() => stream.Write("x"u8.ToArray(), 0, 1));
            Assert.True(stream.IsBroken);
        }
        finally
        {
            File.Delete(fifo);
        }
    }
}
