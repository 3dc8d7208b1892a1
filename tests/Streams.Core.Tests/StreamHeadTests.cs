using System.Text;
using Streams.Testing;

namespace Streams.Core.Tests;

public sealed class StreamHeadTests
{
    private sealed class UpperModule : StreamModule
    {
        protected internal override void OnWrite(StreamQueue queue, Message message)
        {
            Span<byte> s = message.WritableSpan;
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] is >= (byte)'a' and <= (byte)'z')
                {
                    s[i] -= 32;
                }
            }

            queue.PutNext(message);
        }
    }

    [Fact]
    public async Task WriteDown_ThroughModules_ArrivesTransformedInOrder()
    {
        await using var s = new EmbeddedStream(new UpperModule(), new UpperModule { Name = "second" });
        s.WriteDown("hello");
        s.WriteDown("world");
        Assert.Equal(["HELLO", "WORLD"], s.ReadAllDown().Select(Encoding.ASCII.GetString));
        Assert.Equal("head ↔ upper ↔ second ↔ embedded", s.Head.Describe());
    }

    [Fact]
    public async Task WriteUp_ThenHangup_ReadsDataThenEnd()
    {
        await using var s = new EmbeddedStream(new UpperModule());
        s.WriteUp("abc");
        s.HangupUp();
        Message? m = await s.Head.ReadAsync();
        Assert.Equal("abc", m!.ToText());
        m.Release();
        Assert.Null(await s.Head.ReadAsync());
        Assert.Equal(HangupKind.PeerClosed, s.Head.EndReason);
    }

    [Fact]
    public async Task TryReadBatch_TakesWhatIsWaitingInOrder_ThenNothingAfterTheEnd()
    {
        await using var s = new EmbeddedStream();
        foreach (string text in new[] { "a", "b", "c", "d", "e" })
        {
            s.WriteUp(text);
        }

        s.HangupUp();
        var batch = new Message[3];
        Assert.Equal(3, s.Head.TryRead(batch));
        Assert.Equal(["a", "b", "c"], batch.Select(m => m.ToText()));
        Array.ForEach(batch, m => m.Release());
        Assert.Equal(2, s.Head.TryRead(batch));
        Assert.Equal(["d", "e"], batch.Take(2).Select(m => m.ToText()));
        batch[0].Release();
        batch[1].Release();
        Assert.Equal(0, s.Head.TryRead(batch));
        Assert.Null(await s.Head.ReadAsync());
    }
}
