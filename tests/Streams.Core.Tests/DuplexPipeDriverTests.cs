using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using Streams.Testing;

namespace Streams.Core.Tests;

public class DuplexPipeDriverTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Our driver's pipe and the far end's view of it: what the driver writes is read from
    /// <c>FarInput</c>, what the far end writes to <c>FarOutput</c> the driver reads.</summary>
    private sealed class PipePair
    {
        private readonly Pipe _down;
        private readonly Pipe _up;

        public PipePair(long pause = 64 * 1024)
        {
            var options = new PipeOptions(pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2, useSynchronizationContext: false);
            _down = new Pipe(options);
            _up = new Pipe(options);
            Driver = new Duplex(_up.Reader, _down.Writer);
        }

        public IDuplexPipe Driver { get; }

        public PipeReader FarInput => _down.Reader;

        public PipeWriter FarOutput => _up.Writer;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private static StreamOptions Options(MessagePool pool) => new()
    {
        Pool = pool,
        CloseTimeout = TimeSpan.FromSeconds(5),
        HeadLimits = new StreamQueueLimits(64 * 1024, 16 * 1024),
        QueueLimits = new StreamQueueLimits(64 * 1024, 16 * 1024),
    };

    private static async Task<string> ReadToEndAsync(PipeReader reader)
    {
        using var cts = new CancellationTokenSource(Wait);
        var text = new StringBuilder();
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cts.Token);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                text.Append(Encoding.ASCII.GetString(segment.Span));
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return text.ToString();
            }
        }
    }

    private static async Task<string> ReadAllAsync(StreamHead head)
    {
        using var cts = new CancellationTokenSource(Wait);
        var text = new StringBuilder();
        while (await head.ReadAsync(cts.Token) is { } m)
        {
            text.Append(m.ToText());
            m.Release();
        }

        return text.ToString();
    }

    [Fact]
    public async Task DuplexPipeDriver_ManySmallWrites_BatchedInOrderAndCompletedAtHalfClose()
    {
        var pool = new MessagePool();
        var pair = new PipePair();
        StreamHead head = StreamHead.Open(new DuplexPipeDriver("pipe-test", pair.Driver), Options(pool));
        Task<string> far = ReadToEndAsync(pair.FarInput);
        var expected = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            expected.Append(i).Append(',');
            await head.WriteAsync($"{i},").AsTask().WaitAsync(Wait);
        }

        await head.CompleteWritesAsync();
        Assert.Equal(expected.ToString(), await far.WaitAsync(Wait));
        await head.WritesCompleted.WaitAsync(Wait);

        // Half-closed: the far end still talks and we read it all.
        await pair.FarOutput.WriteAsync("still here"u8.ToArray());
        await pair.FarOutput.CompleteAsync();
        Assert.Equal("still here", await ReadAllAsync(head));
        Assert.Equal(HangupKind.PeerClosed, head.EndReason);
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task DuplexPipeDriver_FarStopsReading_WritesPendThenResume()
    {
        var pool = new MessagePool();
        var pair = new PipePair();
        StreamHead head = StreamHead.Open(new DuplexPipeDriver("pipe-test", pair.Driver), Options(pool));
        ValueTask pending = default;
        int written = 0;
        while (written < 1000)
        {
            pending = head.WriteAsync(new byte[16 * 1024]);
            written++;
            if (!pending.IsCompleted)
            {
                break;
            }
        }

        Assert.False(pending.IsCompleted, "no write pended with nobody reading");
        Assert.True(written < 100, $"{written} writes of 16 KiB accepted: memory is not bounded by the marks");
        Task<string> far = ReadToEndAsync(pair.FarInput);
        await pending.AsTask().WaitAsync(Wait);
        await head.CompleteWritesAsync();
        Assert.Equal(written * 16 * 1024, (await far.WaitAsync(Wait)).Length);
        await head.AbortAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task DuplexPipeDriver_HeadStopsReading_FarWriterIsHeld()
    {
        var pool = new MessagePool();
        var pair = new PipePair();
        StreamHead head = StreamHead.Open(new DuplexPipeDriver("pipe-test", pair.Driver), Options(pool));
        int flushes = 0;
        ValueTask<FlushResult> flush = default;
        while (flushes < 1000)
        {
            flush = pair.FarOutput.WriteAsync(new byte[16 * 1024]);
            flushes++;
            if (!flush.IsCompleted)
            {
                // The driver may still be catching up; only a write that stays pending while the head is full counts.
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await flush.AsTask().WaitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        Assert.True(flushes < 1000, "the far writer was never held back");
        Assert.True(pool.Outstanding < 64, $"{pool.Outstanding} messages held");
        await head.AbortAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task DuplexPipeDriver_InputFails_StreamErrorNamesTheDriver()
    {
        var pool = new MessagePool();
        var pair = new PipePair();
        StreamHead head = StreamHead.Open(new DuplexPipeDriver("pipe-test", pair.Driver), Options(pool));
        await pair.FarOutput.CompleteAsync(new InvalidDataException("bad bytes"));
        StreamException error = await Assert.ThrowsAsync<StreamException>(() => ReadAllAsync(head));
        Assert.Equal("pipe-test", error.Component);
        Assert.Contains("bad bytes", error.Message, StringComparison.Ordinal);
        await head.Completion.WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task DuplexPipeDriver_FarReaderGone_WritesDiscardedNoError()
    {
        var pool = new MessagePool();
        var pair = new PipePair();
        StreamHead head = StreamHead.Open(new DuplexPipeDriver("pipe-test", pair.Driver), Options(pool));
        await pair.FarInput.CompleteAsync();
        for (int i = 0; i < 100; i++)
        {
            await head.WriteAsync(new byte[16 * 1024]).AsTask().WaitAsync(Wait);
        }

        await head.CompleteWritesAsync();
        await head.WritesCompleted.WaitAsync(Wait);
        await pair.FarOutput.CompleteAsync();
        Assert.Equal(string.Empty, await ReadAllAsync(head));
        Assert.Null(head.Error);
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task DuplexPipeDriver_NoOutput_WriteFailsNamingTheDriver()
    {
        var pool = new MessagePool();
        var pair = new PipePair();
        StreamHead head = StreamHead.Open(new DuplexPipeDriver("ro", pair.Driver, new DuplexPipeDriverOptions { NoOutput = true }), Options(pool));
        await head.WriteAsync("x");
        await head.Completion.WaitAsync(Wait);
        Assert.Equal("ro", head.Error!.Component);
        Assert.Contains("reading only", head.Error.Message, StringComparison.Ordinal);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task DuplexPipeDriver_NoInput_ReadSideEndsAfterTheWrites()
    {
        var pool = new MessagePool();
        var pair = new PipePair();
        StreamHead head = StreamHead.Open(new DuplexPipeDriver("wo", pair.Driver, new DuplexPipeDriverOptions { NoInput = true }), Options(pool));
        Task<string> far = ReadToEndAsync(pair.FarInput);
        await head.WriteAsync("data");
        await head.CompleteWritesAsync();
        Assert.Equal(string.Empty, await ReadAllAsync(head));
        Assert.Equal("data", await far.WaitAsync(Wait));
        await head.CloseAsync().WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task DuplexPipeDriver_Controls_AnsweredByOptions()
    {
        var pool = new MessagePool();
        var pair = new PipePair();
        var options = new DuplexPipeDriverOptions { Controls = m => m.Command == "peer" ? new StrongBox<object?>("far") : null };
        StreamHead head = StreamHead.Open(new DuplexPipeDriver("ctl", pair.Driver, options), Options(pool));
        Assert.Equal("far", await head.ControlAsync("peer", timeout: Wait));
        await Assert.ThrowsAnyAsync<Exception>(() => head.ControlAsync("other", timeout: Wait));
        await head.AbortAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task DuplexPipeDriver_Stop_CallsStoppedOnceAndCompletesThePipes()
    {
        var pool = new MessagePool();
        var pair = new PipePair();
        int stopped = 0;
        bool? aborted = null;
        var options = new DuplexPipeDriverOptions
        {
            Stopped = abort =>
            {
                Interlocked.Increment(ref stopped);
                aborted = abort;
                return default;
            },
        };
        StreamHead head = StreamHead.Open(new DuplexPipeDriver("stop", pair.Driver, options), Options(pool));
        await head.AbortAsync();
        await head.Completion.WaitAsync(Wait);
        Assert.Equal(1, stopped);
        Assert.True(aborted);
        Assert.Equal(string.Empty, await ReadToEndAsync(pair.FarInput));
        LeakCheck.AssertNoLeaks(pool);
    }
}
