using System.Buffers.Binary;
using Streams.Testing;

namespace Streams.Core.Tests;

public sealed class StackTests
{
    [Fact]
    public async Task PushAndPop_WhileProducerAndConsumerRunFlatOut_EveryMessageOnceInOrder()
    {
        var pool = new MessagePool();
        var limits = new StreamQueueLimits(8 * 1024, 2 * 1024);
        var options = new StreamOptions { Pool = pool, HeadLimits = limits, QueueLimits = limits };
        (StreamHead a, StreamHead b) = StreamPipe.Create(options);
        const int Count = 200_000;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        Task producer = Task.Run(async () =>
        {
            var buffer = new byte[8];
            for (int i = 0; i < Count; i++)
            {
                Message m = pool.Rent(8);
                BinaryPrimitives.WriteInt64BigEndian(m.WritableSpan, i);
                await a.WriteAsync(m, cts.Token);
            }

            await a.CompleteWritesAsync(cts.Token);
        });

        Task<long> consumer = Task.Run(async () =>
        {
            long expected = 0;
            while (await b.ReadAsync(cts.Token) is { } m)
            {
                long got = BinaryPrimitives.ReadInt64BigEndian(m.Span);
                m.Release();
                Assert.Equal(expected, got);
                expected++;
            }

            return expected;
        });

        Task churn = Task.Run(async () =>
        {
            int n = 0;
            while (!producer.IsCompleted)
            {
                StreamHead end = n % 2 == 0 ? a : b;
                await end.PushAsync(new QueueingModule("q" + n), cts.Token);
                await end.InsertAsync(end.Modules.Count, new PassModule("p" + n), cts.Token);
                await Task.Yield();
                await end.PopAsync(cts.Token);
                await end.RemoveAsync("p" + n, cts.Token);
                n++;
            }

            return n;
        });

        await producer;
        await churn;
        Assert.Equal(Count, await consumer);
        await a.CloseAsync();
        await b.CloseAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Pop_ModuleWithQueuedMessages_HandsThemOnInOrder()
    {
        await using var s = new EmbeddedStream(new PassModule("top"));
        var stuck = new StuckModule();
        await s.Head.InsertAsync(1, stuck);
        s.WriteDown("1");
        s.WriteDown("2");
        Assert.Empty(s.ReadAllDown());
        await s.Head.RemoveAsync("stuck");
        s.WriteDown("3");
        Assert.Equal(["1", "2", "3"], s.ReadAllDown().Select(b => System.Text.Encoding.ASCII.GetString(b)));
        Assert.Equal("head ↔ top ↔ embedded", s.Head.Describe());
    }

    [Fact]
    public async Task GetStack_ListsModulesWithStatistics()
    {
        await using var s = new EmbeddedStream(new PassModule("line"), new PassModule("gzip"));
        s.WriteDown("hello");
        s.WriteUp("hi");
        IReadOnlyList<StackEntry> stack = s.Head.GetStack();
        Assert.Equal(["head", "line", "gzip", "embedded"], stack.Select(e => e.Name));
        Assert.Equal(1, stack[1].Write.Messages);
        Assert.Equal(5, stack[1].Write.Bytes);
        Assert.Equal(1, stack[2].Read.Messages);
        Assert.Equal(1, stack[0].Read.Queued);
    }

    /// <summary>Queues on the write side and never passes anything on by itself.</summary>
    private sealed class StuckModule() : StreamModule("stuck")
    {
        protected internal override bool HasWriteService => true;

        protected internal override void OnWrite(StreamQueue queue, Message message) => queue.Enqueue(message);

        protected internal override void OnWriteService(StreamQueue queue)
        {
        }
    }
}
