using System.Text;
using Streams.Testing;

namespace Streams.Modules.Tests;

/// <summary>The facts every module must pass (ordering, flush, hangup, unknown controls, no leaks), run once per
/// module by a subclass that says how to make a fresh module.</summary>
/// <remarks>Data goes down through one stream and what reaches its driver is fed up through a second stream with
/// the same kind of module, so encoders and decoders are checked as a pair.</remarks>
/// <typeparam name="TModule">The module under test.</typeparam>
public abstract class ModuleContractTests<TModule>
    where TModule : StreamModule
{
    /// <summary>Makes a fresh module.</summary>
    protected abstract TModule Create();

    /// <summary>A payload every module accepts (no newlines, short).</summary>
    protected static byte[] Payload(int i) => Encoding.ASCII.GetBytes($"message-{i:D4}");

    [Fact]
    public async Task Ordering_ManyMessages_RoundTripInOrder()
    {
        await using var down = new EmbeddedStream(Create());
        await using var up = new EmbeddedStream(Create());
        const int count = 500;
        for (int i = 0; i < count; i++)
        {
            down.WriteDown(Payload(i));
        }

        foreach (byte[] chunk in down.ReadAllDown())
        {
            up.WriteUp(chunk);
        }

        List<byte[]> got = up.ReadAllUp();
        Assert.Equal(count, got.Count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(Payload(i), got[i]);
        }
    }

    [Fact]
    public async Task Flush_BothSidesWhileDriverHeld_DiscardsQueuedAndKeepsWorking()
    {
        await using var s = new EmbeddedStream(Create());
        s.Driver.Hold();
        for (int i = 0; i < 5; i++)
        {
            s.WriteDown(Payload(i));
        }

        await s.Head.FlushAsync(FlushSides.Both);
        s.Driver.Resume();
        Assert.Empty(s.ReadAllDown());

        s.WriteDown(Payload(42));
        byte[][] encoded = [.. s.ReadAllDown()];
        await using var up = new EmbeddedStream(Create());
        foreach (byte[] chunk in encoded)
        {
            up.WriteUp(chunk);
        }

        Assert.Equal([Payload(42)], up.ReadAllUp());
    }

    [Fact]
    public async Task Hangup_AfterData_ArrivesAfterAllData()
    {
        await using var down = new EmbeddedStream(Create());
        await using var up = new EmbeddedStream(Create());
        for (int i = 0; i < 3; i++)
        {
            down.WriteDown(Payload(i));
        }

        foreach (byte[] chunk in down.ReadAllDown())
        {
            up.WriteUp(chunk);
        }

        up.HangupUp();
        var got = new List<byte[]>();
        while (await up.Head.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)) is { } m)
        {
            got.Add(m.Span.ToArray());
            m.Release();
        }

        Assert.Equal([Payload(0), Payload(1), Payload(2)], got);
        Assert.Equal(HangupKind.PeerClosed, up.Head.EndReason);
    }

    [Fact]
    public async Task Control_Unknown_PassesThroughToDriverAndIsRefused()
    {
        await using var s = new EmbeddedStream(Create());
        StreamException ex = await Assert.ThrowsAsync<StreamException>(() => s.Head.ControlAsync("x.unknown"));
        Assert.Equal("embedded", ex.Component);
    }

    [Fact]
    public async Task Dispose_WithPartialInputBuffered_LeaksNothing()
    {
        var down = new EmbeddedStream(Create());
        down.WriteDown(Payload(7));
        byte[] encoded = down.ReadAllDownBytes();
        await down.DisposeAsync();

        // DisposeAsync runs the leak check.
        var up = new EmbeddedStream(Create());
        up.WriteUp(encoded.AsSpan(0, encoded.Length / 2));
        try
        {
            up.ReadAllUp();
        }
        catch (StreamException)
        {
            // A module that checks whole messages may refuse half of one: the point is what is left behind.
        }

        await up.DisposeAsync();
        Assert.Equal(0, up.Pool.Outstanding);
    }

    [Fact]
    public async Task Pop_WhileIdle_StreamKeepsPassingData()
    {
        await using var s = new EmbeddedStream(Create());
        await s.Head.PopAsync();
        s.WriteDown("plain");
        Assert.Equal("plain", Encoding.ASCII.GetString(s.ReadAllDownBytes()));
        s.WriteUp("up");
        Assert.Equal("up", Encoding.ASCII.GetString(s.ReadAllUpBytes()));
    }
}
