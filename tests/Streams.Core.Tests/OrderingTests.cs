using System.Buffers.Binary;
using Streams.Testing;

namespace Streams.Core.Tests;

/// <summary>Order across threads: what one thread puts up arrives in its order however other threads contend for
/// the stream's context; modules given to <see cref="StreamHead.Open(StreamDriver, IReadOnlyList{StreamModule}, StreamOptions?)"/>
/// see the transport's first bytes.</summary>
public sealed class OrderingTests
{
    /// <summary>Counts the data messages coming up; the first bytes it sees are the proof that it was in place.</summary>
    private sealed class CountingModule() : StreamModule("counting")
    {
        public int Seen { get; private set; }

        protected internal override void OnRead(StreamQueue queue, Message message)
        {
            if (message.Kind == MessageKind.Data)
            {
                Seen++;
            }

            queue.PutNext(message);
        }
    }

    /// <summary>A driver that puts data up from inside <see cref="Start"/>, as a transport with bytes already
    /// waiting would.</summary>
    private sealed class EagerDriver() : StreamDriver
    {
        public override string Name => "eager";

        protected internal override void Start(DriverContext context)
        {
            context.PutUp(context.Pool.Data("first"u8));
            context.PutUp(context.Pool.Hangup());
        }

        protected internal override void OnWrite(StreamQueue queue, Message message)
        {
            if (!HandleDefault(queue, message))
            {
                message.Release();
            }
        }

        protected internal override ValueTask StopAsync(bool abort) => default;
    }

    [Fact]
    public async Task OpenWithModules_DriverSendsAtStart_ModuleSeesTheFirstBytes()
    {
        var pool = new MessagePool();
        var counting = new CountingModule();
        StreamHead head = StreamHead.Open(new EagerDriver(), [counting], new StreamOptions { Pool = pool, ReadMode = ReadMode.Message });
        Message? m = await head.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(m);
        Assert.Equal("first", m.ToText());
        m.Release();
        Assert.Equal(1, counting.Seen);
        Assert.Equal("head ↔ counting ↔ eager", head.Describe());
        await head.CloseAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task PutUpFromOneThread_WhileOthersContend_KeepsItsOrder()
    {
        var pool = new MessagePool();
        var driver = new MemoryDriver();
        StreamHead head = StreamHead.Open(driver, new StreamOptions { Pool = pool, ReadMode = ReadMode.Message, HeadLimits = new StreamQueueLimits(1 << 30, 1 << 29) });
        const int count = 200_000;
        using var stop = new CancellationTokenSource();

        // Contenders enter and leave the context all the time, so the producer often finds it busy and posts.
        Task[] contenders = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await head.FlushAsync(FlushSides.None);
            }
        })).ToArray();
        Task producer = Task.Run(() =>
        {
            Span<byte> n = stackalloc byte[4];
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(n, i);
                driver.InjectUp(n);
            }
        });

        int expected = 0;
        while (expected < count)
        {
            Message? m = await head.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.NotNull(m);
            Assert.Equal(expected, BinaryPrimitives.ReadInt32LittleEndian(m.Span));
            m.Release();
            expected++;
        }

        await producer;
        await stop.CancelAsync();
        await Task.WhenAll(contenders);
        await head.CloseAsync();
        LeakCheck.AssertNoLeaks(pool);
    }
}
