using System.Text;
using Streams.Testing;

namespace Streams.Transports.Tests.Drivers;

/// <summary>The far end of a driver under test: a plain byte stream the test reads and writes, which can
/// half-close (shut down its sending) and go away.</summary>
public sealed class FarEnd(Stream stream, Func<Task> shutdownSend, Func<ValueTask> dispose) : IAsyncDisposable
{
    public Stream Stream { get; } = stream;

    public Task ShutdownSendAsync() => shutdownSend();

    public ValueTask DisposeAsync() => dispose();
}

/// <summary>The facts every duplex driver passes (order, close, hangup, half-close, error naming, no leak, flow
/// control both ways), run against a far end the test controls.</summary>
public abstract class DriverContractTests
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Opens our stream and the far end joined to it.</summary>
    protected abstract Task<(StreamHead Head, FarEnd Far)> ConnectAsync(StreamOptions options);

    /// <summary>The prefix of the driver's name (the address scheme).</summary>
    protected abstract string Scheme { get; }

    protected static StreamOptions NewOptions(MessagePool pool) => new()
    {
        Pool = pool,
        CloseTimeout = TimeSpan.FromSeconds(5),
        HeadLimits = new StreamQueueLimits(64 * 1024, 16 * 1024),
        QueueLimits = new StreamQueueLimits(64 * 1024, 16 * 1024),
    };

    [Fact]
    public async Task Driver_ManyMessagesDown_ArriveInOrder()
    {
        var pool = new MessagePool();
        (StreamHead head, FarEnd far) = await ConnectAsync(NewOptions(pool));
        await using (far)
        {
            var expected = new StringBuilder();
            Task<string> reader = DriverTestSupport.ReadToEndAsync(far.Stream);
            for (int i = 0; i < 5000; i++)
            {
                string line = $"message {i}\n";
                expected.Append(line);
                await head.WriteAsync(line).AsTask().WaitAsync(Wait);
            }

            await head.CloseAsync().WaitAsync(Wait);
            Assert.Equal(expected.ToString(), await reader.WaitAsync(Wait));
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Driver_ManyBytesUp_ArriveInOrderThenHangup()
    {
        var pool = new MessagePool();
        (StreamHead head, FarEnd far) = await ConnectAsync(NewOptions(pool));
        await using (far)
        {
            byte[] data = DriverTestSupport.Pattern(3 * 1024 * 1024 + 17);
            Task writer = Task.Run(async () =>
            {
                for (int offset = 0; offset < data.Length; offset += 10_000)
                {
                    await far.Stream.WriteAsync(data.AsMemory(offset, Math.Min(10_000, data.Length - offset)));
                }

                await far.Stream.FlushAsync();
                await far.ShutdownSendAsync();
            });
            byte[] received = await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait);
            await writer.WaitAsync(Wait);
            Assert.Equal(data.Length, received.Length);
            Assert.True(data.AsSpan().SequenceEqual(received), "the bytes differ");
            Assert.Equal(HangupKind.PeerClosed, head.EndReason);
            await head.CloseAsync().WaitAsync(Wait);
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Driver_Close_FarEndSeesEndOfStream()
    {
        var pool = new MessagePool();
        (StreamHead head, FarEnd far) = await ConnectAsync(NewOptions(pool));
        await using (far)
        {
            await head.WriteAsync("last words");
            await head.CloseAsync().WaitAsync(Wait);
            Assert.Equal("last words", await DriverTestSupport.ReadToEndAsync(far.Stream).WaitAsync(Wait));
            Assert.True(head.Completion.IsCompleted);
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Driver_PeerGoes_ReadEndsWithHangup()
    {
        var pool = new MessagePool();
        (StreamHead head, FarEnd far) = await ConnectAsync(NewOptions(pool));
        await far.Stream.WriteAsync("bye"u8.ToArray());
        await far.Stream.FlushAsync();
        await far.DisposeAsync();
        byte[] received = await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait);
        Assert.Equal("bye", Encoding.ASCII.GetString(received));
        Assert.True(head.EndReason is HangupKind.PeerClosed or HangupKind.Reset, $"end reason {head.EndReason}");
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Driver_HalfClose_FarEndSeesEndThenRepliesAndWeReadAll()
    {
        var pool = new MessagePool();
        (StreamHead head, FarEnd far) = await ConnectAsync(NewOptions(pool));
        await using (far)
        {
            await head.WriteAsync("question");
            await head.CompleteWritesAsync().AsTask().WaitAsync(Wait);
            Assert.Equal("question", await DriverTestSupport.ReadToEndAsync(far.Stream).WaitAsync(Wait));
            await head.WritesCompleted.WaitAsync(Wait);

            // Our side is finished writing; the far end still talks, and all of it arrives.
            byte[] reply = DriverTestSupport.Pattern(300_000);
            await far.Stream.WriteAsync(reply);
            await far.Stream.FlushAsync();
            await far.ShutdownSendAsync();
            byte[] received = await DriverTestSupport.ReadAllAsync(head).WaitAsync(Wait);
            Assert.True(reply.AsSpan().SequenceEqual(received), $"got {received.Length} of {reply.Length} bytes");
            await head.CloseAsync().WaitAsync(Wait);
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Driver_Name_IsTheAddress()
    {
        var pool = new MessagePool();
        (StreamHead head, FarEnd far) = await ConnectAsync(NewOptions(pool));
        await using (far)
        {
            Assert.StartsWith(Scheme, head.Driver.Name, StringComparison.Ordinal);
            await head.CloseAsync().WaitAsync(Wait);
        }
    }

    [Fact]
    public async Task Driver_UnansweredControl_IsRefusedNamingTheDriver()
    {
        var pool = new MessagePool();
        (StreamHead head, FarEnd far) = await ConnectAsync(NewOptions(pool));
        await using (far)
        {
            Exception error = await Assert.ThrowsAnyAsync<Exception>(() => head.ControlAsync("no.such.control", timeout: Wait));
            Assert.Contains("no.such.control", error.Message, StringComparison.Ordinal);
            await head.CloseAsync().WaitAsync(Wait);
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Driver_HeadStopsReading_FarWriterIsHeldAndMemoryStaysBounded()
    {
        var pool = new MessagePool();
        (StreamHead head, FarEnd far) = await ConnectAsync(NewOptions(pool));
        await using (far)
        {
            const long total = 64L * 1024 * 1024;
            long written = 0;
            using var stop = new CancellationTokenSource();
            byte[] block = DriverTestSupport.Pattern(64 * 1024);
            Task writer = Task.Run(async () =>
            {
                while (written < total && !stop.IsCancellationRequested)
                {
                    await far.Stream.WriteAsync(block, stop.Token);
                    Interlocked.Add(ref written, block.Length);
                }
            });

            // Nobody reads at the head: the writer must stall well short of the total.
            long stalledAt = await DriverTestSupport.WaitUntilStableAsync(() => Interlocked.Read(ref written), Wait);
            Assert.True(stalledAt < total, $"the far writer was never held back ({stalledAt} bytes written)");
            Assert.True(pool.Outstanding * 64L * 1024 < 32L * 1024 * 1024, $"{pool.Outstanding} messages held by the stream");

            // Reading resumes the writer: everything written arrives.
            Task<long> drain = DriverTestSupport.CountAsync(head, stalledAt + (2 * block.Length), Wait);
            Assert.True(await drain >= stalledAt + block.Length);
            stop.Cancel();
            await DriverTestSupport.IgnoreAsync(writer);
            await head.AbortAsync().WaitAsync(Wait);
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Driver_FarEndStopsReading_OurWritesPend()
    {
        var pool = new MessagePool();
        (StreamHead head, FarEnd far) = await ConnectAsync(NewOptions(pool));
        await using (far)
        {
            long sent = 0;
            ValueTask pending = default;
            while (sent < 256L * 1024 * 1024)
            {
                pending = head.WriteAsync(new byte[64 * 1024]);
                sent += 64 * 1024;
                if (!pending.IsCompleted)
                {
                    break;
                }

                await pending;
            }

            Assert.False(pending.IsCompleted, $"256 MiB written and no write pended");
            Assert.True(pool.Outstanding * 64L * 1024 < 32L * 1024 * 1024, $"{pool.Outstanding} messages held by the stream");

            // The far end reads again: the pending write completes.
            Task<long> drain = DriverTestSupport.CountToEndAsync(far.Stream, Wait);
            await pending.AsTask().WaitAsync(Wait);
            await head.CompleteWritesAsync();
            Assert.Equal(sent, await drain);
            await head.CloseAsync().WaitAsync(Wait);
        }

        LeakCheck.AssertNoLeaks(pool);
    }
}
