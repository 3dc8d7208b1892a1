using Streams.Testing;

namespace Streams.Core.Tests;

public sealed class FlowControlTests
{
    [Fact]
    public async Task HeadStopsReading_ProducerWritesPend_MemoryWithinMarks()
    {
        var pool = new MessagePool();
        var limits = new StreamQueueLimits(16 * 1024, 4 * 1024);
        var options = new StreamOptions { Pool = pool, HeadLimits = limits, QueueLimits = limits };
        (StreamHead writer, StreamHead reader) = StreamPipe.Create(options);
        await writer.PushAsync(new QueueingModule("q1"));
        await reader.PushAsync(new QueueingModule("q2"));
        var payload = new byte[1024];
        int accepted = 0;
        ValueTask pending = default;
        for (int i = 0; i < 10_000; i++)
        {
            pending = writer.WriteAsync(payload);
            if (!pending.IsCompleted)
            {
                break;
            }

            accepted++;
        }

        Assert.False(pending.IsCompleted, "the producer must be stopped by flow control");

        // Memory is bounded by the marks of the queues between the producer and the stalled reader.
        long held = pool.Outstanding * payload.Length;
        Assert.True(held <= 5 * limits.HighWater + 2 * payload.Length, $"{held} bytes held");
        Assert.True(accepted >= 16, "some data must flow before the stop");

        // Reading drains the queues, back-enables the producer, and every byte arrives.
        int read = 0;
        while (read < accepted + 1)
        {
            Message? m = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(m);
            read++;
            m!.Release();
        }

        await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, pool.Outstanding);
        await writer.AbortAsync();
        await reader.AbortAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task SlowDriver_HeadWritesPend_UntilDriverResumes()
    {
        await using var s = new EmbeddedStream(new StreamOptions { QueueLimits = new StreamQueueLimits(4096, 1024) }, new PassModule("p"));
        s.Driver.Hold();
        int accepted = 0;
        ValueTask pending = default;
        for (int i = 0; i < 1000; i++)
        {
            pending = s.Head.WriteAsync(new byte[512]);
            if (!pending.IsCompleted)
            {
                break;
            }

            accepted++;
        }

        Assert.False(pending.IsCompleted);
        Assert.InRange(accepted, 8, 16);
        Assert.True(s.Head.GetStack()[^1].Write.HighWaterHits >= 1);
        s.Driver.Resume();
        await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(accepted + 1, s.ReadAllDown().Count);
    }

    [Fact]
    public async Task HighBand_OvertakesQueuedData_OrderKeptWithinBand()
    {
        await using var s = new EmbeddedStream(new PassModule("p"));
        s.Driver.Hold();
        s.WriteDown("a");
        s.WriteDown("b");
        Message urgent = s.Pool.Data("!"u8);
        urgent.Band = 1;
        s.WriteDown(urgent);
        Message urgent2 = s.Pool.Data("?"u8);
        urgent2.Band = 1;
        s.WriteDown(urgent2);
        s.Driver.Resume();
        Assert.Equal(["!", "?", "a", "b"], s.ReadAllDown().Select(b => System.Text.Encoding.ASCII.GetString(b)));
    }

    [Fact]
    public async Task DriverPuttingUp_WhileAnotherThreadIsInside_StopsAt64KiBUncounted()
    {
        // A writer's thread sits inside the stream (a module's put procedure blocks); meanwhile the driver's
        // thread puts data up, checking CanPutUp as DuplexPipeDriver does. What it hands over cannot be counted
        // until the thread inside leaves, so after 64 KiB it must be told to wait, not hand over its whole buffer
        // (it once handed over megabytes that way).
        var gate = new GateModule();
        var pool = new MessagePool();
        await using var s = new EmbeddedStream(new StreamOptions { Pool = pool }, gate);
        Task blocked = Task.Run(() => s.Head.WriteAsync("block").AsTask());
        Assert.True(gate.Entered.Wait(TimeSpan.FromSeconds(10)), "the writer never entered the module");

        DriverContext context = s.Driver.Context;
        int handedOver = 0;
        while (handedOver < 1000 && context.CanPutUp)
        {
            context.PutUp(pool.Data(new byte[1024]));
            handedOver++;
        }

        Assert.InRange(handedOver, 1, 64); // at most 64 KiB handed over uncounted
        Task capacity = context.WaitForCapacityAsync().AsTask();
        Assert.False(capacity.IsCompleted);

        gate.Release.Set();
        await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        await capacity.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(context.CanPutUp);
        Message? m = await s.Head.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1024, m!.Length);
        m.Release();
    }

    private sealed class GateModule() : StreamModule("gate")
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        protected internal override void OnWrite(StreamQueue queue, Message message)
        {
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(10));
            queue.PutNext(message);
        }
    }
}
