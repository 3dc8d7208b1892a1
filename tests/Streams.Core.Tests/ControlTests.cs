using Streams.Testing;

namespace Streams.Core.Tests;

public sealed class ControlTests
{
    [Fact]
    public async Task Control_AnsweredByModule_ReturnsAckValue()
    {
        await using var s = new EmbeddedStream(new PassModule("a"), new EchoControlModule());
        object? value = await s.Head.ControlAsync("echo", 42);
        Assert.Equal(42, value);
    }

    [Fact]
    public async Task Control_AnsweredByDriver_ReturnsAckValue()
    {
        await using var s = new EmbeddedStream(new PassModule("a"));
        s.ControlHandler = m => m.Command == "driver.name" ? "embedded" : throw new NotSupportedException("no");
        Assert.Equal("embedded", await s.Head.ControlAsync("driver.name"));
        StreamException ex = await Assert.ThrowsAsync<StreamException>(() => s.Head.ControlAsync("other"));
        Assert.Equal("embedded", ex.Component);
    }

    [Fact]
    public async Task Control_NobodyAnswers_TimesOut()
    {
        await using var s = new EmbeddedStream(new SwallowModule());
        TimeoutException ex = await Assert.ThrowsAsync<TimeoutException>(() => s.Head.ControlAsync("lost", timeout: TimeSpan.FromMilliseconds(50)));
        Assert.Contains("lost", ex.Message);
    }

    [Fact]
    public async Task Control_SeveralInFlight_EachGetsItsOwnAnswer()
    {
        await using var s = new EmbeddedStream(new DeferredAnswerModule());
        Task<object?>[] calls = Enumerable.Range(0, 10).Select(i => s.Head.ControlAsync("defer", i)).ToArray();
        await s.Head.ControlAsync("answer-all");
        object?[] values = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(Enumerable.Range(0, 10).Cast<object?>(), values);
    }

    [Fact]
    public async Task Control_UnknownAtDriver_NakNamesDriver()
    {
        var pool = new MessagePool();
        var driver = new MemoryDriver("mem:x");
        StreamHead head = StreamHead.Open(driver, new StreamOptions { Pool = pool });
        StreamException ex = await Assert.ThrowsAsync<StreamException>(() => head.ControlAsync("nobody.knows"));
        Assert.Equal("mem:x", ex.Component);
        await head.AbortAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    /// <summary>Swallows controls: nobody answers.</summary>
    private sealed class SwallowModule() : StreamModule("swallow")
    {
        protected internal override void OnWrite(StreamQueue queue, Message message)
        {
            if (message.Kind == MessageKind.Control)
            {
                message.Release();
                return;
            }

            queue.PutNext(message);
        }
    }

    /// <summary>Holds 'defer' requests and answers them all, in reverse order, on 'answer-all'.</summary>
    private sealed class DeferredAnswerModule() : StreamModule("defer")
    {
        private readonly Stack<Message> _held = new();

        protected internal override void OnWrite(StreamQueue queue, Message message)
        {
            if (message.Command == "defer")
            {
                _held.Push(message);
                return;
            }

            if (message.Command == "answer-all")
            {
                while (_held.TryPop(out Message? held))
                {
                    queue.Reply(queue.Pool.Ack(held, held.Protocol, Name));
                    held.Release();
                }

                queue.Reply(queue.Pool.Ack(message, null, Name));
                message.Release();
                return;
            }

            queue.PutNext(message);
        }

        protected internal override void OnPopped(StreamQueue write, StreamQueue read)
        {
            while (_held.TryPop(out Message? held))
            {
                held.Release();
            }
        }
    }
}
