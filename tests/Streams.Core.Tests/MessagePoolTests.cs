namespace Streams.Core.Tests;

/// <summary>The message pool: payload room, reuse of small buffers with their messages, and counts that stay
/// exact when one thread rents and another releases.</summary>
public sealed class MessagePoolTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(208)]
    [InlineData(209)]
    [InlineData(4048)]
    [InlineData(4049)]
    [InlineData(70_000)]
    public void Rent_AnySize_GivesThatLengthWithHeadAndTailRoom(int length)
    {
        var pool = new MessagePool();
        for (int round = 0; round < 3; round++)
        {
            Message m = pool.Rent(length);
            Assert.Equal(length, m.Length);
            Assert.True(m.TryPrepend(MessagePool.HeadRoom, out Span<byte> header));
            Assert.Equal(MessagePool.HeadRoom, header.Length);
            Assert.True(m.TryAppend(MessagePool.TailRoom, out Span<byte> trailer));
            Assert.Equal(MessagePool.TailRoom, trailer.Length);
            Assert.Equal(length + MessagePool.HeadRoom + MessagePool.TailRoom, m.Length);
            m.Release();
        }

        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(3, pool.TotalRented);
    }

    [Fact]
    public void Release_SmallMessage_ItsBufferServesTheNextRentOfThatSize()
    {
        var pool = new MessagePool();
        Message first = pool.Data("abc"u8);
        byte[] buffer = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(first.Memory, out ArraySegment<byte> segment) ? segment.Array! : throw new InvalidOperationException();
        first.Release();

        Message second = pool.Data("xyz!"u8);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(second.Memory, out ArraySegment<byte> again));
        Assert.Same(buffer, again.Array);
        Assert.Equal("xyz!"u8.ToArray(), second.Span.ToArray());
        Assert.Equal(MessageKind.Data, second.Kind);
        Assert.Equal(0, second.Band);
        Assert.Null(second.Protocol);
        second.Release();
        Assert.Throws<InvalidOperationException>(second.Release);
    }

    [Fact]
    public void Release_ReusedMessage_CarriesNothingOfItsLastUse()
    {
        var pool = new MessagePool();
        Message m = pool.Proto("payload"u8, protocol: "envelope");
        m.Band = 3;
        m.Release();

        Message n = pool.Rent(5);
        Assert.Equal(MessageKind.Data, n.Kind);
        Assert.Equal(0, n.Band);
        Assert.Null(n.Protocol);
        Assert.Equal(5, n.Length);
        n.Release();
    }

    [Fact]
    public async Task Counts_RentOnOneThreadReleaseOnAnother_StayExact()
    {
        var pool = new MessagePool();
        const int count = 200_000;
        var channel = System.Threading.Channels.Channel.CreateBounded<Message>(1024);
        Task producer = Task.Run(async () =>
        {
            for (int i = 0; i < count; i++)
            {
                await channel.Writer.WriteAsync(pool.Rent(i % 300));
            }

            channel.Writer.Complete();
        });
        Task consumer = Task.Run(async () =>
        {
            await foreach (Message m in channel.Reader.ReadAllAsync())
            {
                m.Release();
            }
        });
        await Task.WhenAll(producer, consumer).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(count, pool.TotalRented);
    }
}
