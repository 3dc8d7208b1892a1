using Streams.Testing;

namespace Streams.Core.Tests;

public sealed class ErrorAndLifecycleTests
{
    [Fact]
    public async Task ModuleThrowsOnWrite_ErrorReachesHeadWithName_OtherDirectionShutDown()
    {
        await using var s = new EmbeddedStream(new PassModule("top"), new FaultyModule(QueueSide.Write));
        s.WriteUp("before");
        s.WriteDown("boom");
        StreamException ex = await Assert.ThrowsAsync<StreamException>(async () => await s.Head.ReadAsync());
        Assert.Equal("faulty", ex.Component);
        Assert.Contains("offset 7", ex.Message);
        Assert.Equal(HangupKind.Error, s.Head.EndReason);
        await Assert.ThrowsAsync<StreamException>(async () => await s.Head.WriteAsync("more"u8.ToArray()));
        await Assert.ThrowsAsync<StreamException>(() => s.Head.ControlAsync("x"));
    }

    [Fact]
    public async Task ModuleThrowsOnRead_PendingReadFails_WritesFail()
    {
        await using var s = new EmbeddedStream(new FaultyModule(QueueSide.Read));
        ValueTask<Message?> pending = s.Head.ReadAsync();
        Assert.False(pending.IsCompleted);
        s.WriteUp("bad");
        StreamException ex = await Assert.ThrowsAsync<StreamException>(async () => await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("faulty", ex.Component);
        await Assert.ThrowsAsync<StreamException>(async () => await s.Head.WriteAsync("x"u8.ToArray()));
    }

    [Fact]
    public async Task DriverFails_ErrorNamesDriver()
    {
        await using var s = new EmbeddedStream(new PassModule("p"));
        s.Driver.InjectError(new IOException("connection reset"));
        StreamException ex = await Assert.ThrowsAsync<StreamException>(async () => await s.Head.ReadAsync());
        Assert.Equal("embedded", ex.Component);
        Assert.Same(ex, s.Head.Error);
    }

    [Fact]
    public async Task HangupAfterData_AllDataReadThenEnd_FirstReasonKept()
    {
        await using var s = new EmbeddedStream(new QueueingModule("q"));
        for (int i = 0; i < 100; i++)
        {
            s.WriteUp($"m{i}");
        }

        s.HangupUp(HangupKind.Reset);
        s.HangupUp(HangupKind.PeerClosed);
        int n = 0;
        await foreach (Message m in s.Head.ReadAllAsync())
        {
            Assert.Equal($"m{n}", m.ToText());
            m.Release();
            n++;
        }

        Assert.Equal(100, n);
        Assert.Equal(HangupKind.Reset, s.Head.EndReason);
        Assert.Null(await s.Head.ReadAsync());
    }

    [Fact]
    public async Task Flush_DiscardsQueued_EitherSide()
    {
        await using var s = new EmbeddedStream(new QueueingModule("q"));
        s.Driver.Hold();
        s.WriteDown("w1");
        s.WriteDown("w2");
        s.WriteUp("r1");
        s.WriteUp("r2");
        await s.Head.FlushAsync(FlushSides.Write);
        s.Driver.Resume();
        Assert.Empty(s.ReadAllDown());
        Assert.Equal(2, s.ReadAllUp().Count);

        s.WriteUp("r3");
        await s.Head.FlushAsync(FlushSides.Read);
        Assert.Empty(s.ReadAllUp());
        s.WriteDown("w3");
        Assert.Single(s.ReadAllDown());
    }

    [Fact]
    public async Task Close_DrainsWrites_ThenEnds()
    {
        var pool = new MessagePool();
        (StreamHead a, StreamHead b) = StreamPipe.Create(new StreamOptions { Pool = pool });
        await a.WriteAsync("one"u8.ToArray());
        await a.WriteAsync("two"u8.ToArray());
        await a.CloseAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HangupKind.LocalClose, a.EndReason);
        var got = new List<string>();
        await foreach (Message m in b.ReadAllAsync())
        {
            got.Add(m.ToText());
            m.Release();
        }

        Assert.Equal(["one", "two"], got);
        Assert.Equal(HangupKind.PeerClosed, b.EndReason);
        await b.CloseAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await a.WriteAsync("late"u8.ToArray()));
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task Completion_WhatTheDriverPostedWhileStopping_IsReleasedByThen()
    {
        // The driver's StopAsync puts a message up while another thread holds the stream's context, so the message
        // waits in the context's queue; Completion must not come before it has run (and been released: the stream
        // is torn down).
        var pool = new MessagePool();
        var driver = new LateDriver();
        StreamHead head = StreamHead.Open(driver, new StreamOptions { Pool = pool });
        await head.AbortAsync();
        await head.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(driver.Posted);
        LeakCheck.AssertNoLeaks(pool);
    }

    private sealed class LateDriver : StreamDriver
    {
        private DriverContext? _context;

        public override string Name => "late";

        public bool Posted { get; private set; }

        protected internal override void Start(DriverContext context) => _context = context;

        protected internal override void OnWrite(StreamQueue queue, Message message)
        {
            if (!HandleDefault(queue, message))
            {
                message.Release();
            }
        }

        protected internal override ValueTask StopAsync(bool abort)
        {
            using var inside = new ManualResetEventSlim();
            var leave = new ManualResetEventSlim();
            DriverContext context = _context!;
            _ = Task.Run(() => context.Invoke(
                _ =>
                {
                    inside.Set();
                    leave.Wait(TimeSpan.FromSeconds(10));
                },
                context.Stream.DriverReadQueue));
            inside.Wait(TimeSpan.FromSeconds(10));
            context.PutUp(context.Pool.Data("late"u8));
            Posted = true;
            _ = Task.Delay(200).ContinueWith(_ => leave.Set(), TaskScheduler.Default);
            return default;
        }
    }

    [Fact]
    public async Task Abort_PendingWriteAndReadEnd_NothingHangs()
    {
        var pool = new MessagePool();
        var limits = new StreamQueueLimits(1024, 256);
        (StreamHead a, StreamHead b) = StreamPipe.Create(new StreamOptions { Pool = pool, HeadLimits = limits, QueueLimits = limits });
        ValueTask write = default;
        for (int i = 0; i < 100 && (write = a.WriteAsync(new byte[512])).IsCompleted; i++)
        {
        }

        Assert.False(write.IsCompleted);
        ValueTask<Message?> read = a.ReadAsync();
        await a.AbortAsync();
        await Assert.ThrowsAsync<StreamException>(async () => await write.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Null(await read.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(HangupKind.Aborted, a.EndReason);
        await b.AbortAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsAndStreamStillWorks()
    {
        await using var s = new EmbeddedStream();
        using var cts = new CancellationTokenSource();
        ValueTask<Message?> read = s.Head.ReadAsync(cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await read);
        s.WriteUp("after");
        Message? m = await s.Head.ReadAsync();
        Assert.Equal("after", m!.ToText());
        m.Release();
    }

    [Fact]
    public async Task Release_Twice_Throws()
    {
        var pool = new MessagePool();
        Message m = pool.Data("x"u8);
        m.Release();
        Assert.Throws<InvalidOperationException>(m.Release);
        Assert.Equal(0, pool.Outstanding);
        await Task.CompletedTask;
    }
}
