using System.IO.Pipelines;
using System.Text;
using Streams.Testing;

namespace Streams.Core.Tests;

public sealed class FacesTests
{
    [Fact]
    public async Task ByteReadMode_MergesBoundaries()
    {
        await using var s = new EmbeddedStream();
        s.WriteUp("ab");
        s.WriteUp("cd");
        var buffer = new byte[10];
        int n = await s.Head.ReadAsync(buffer);
        Assert.Equal("abcd", Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public async Task MessageReadMode_KeepsBoundaries_AndRemainder()
    {
        await using var s = new EmbeddedStream(new StreamOptions { ReadMode = ReadMode.Message });
        s.WriteUp("abc");
        s.WriteUp("de");
        var buffer = new byte[2];
        var reads = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            int n = await s.Head.ReadAsync(buffer);
            reads.Add(Encoding.ASCII.GetString(buffer, 0, n));
        }

        Assert.Equal(["ab", "c", "de"], reads);
    }

    [Fact]
    public async Task StreamFace_ReadsAndWrites()
    {
        var pool = new MessagePool();
        (StreamHead a, StreamHead b) = StreamPipe.Create(new StreamOptions { Pool = pool });
        await using (System.IO.Stream sa = a.AsStream())
        {
            await sa.WriteAsync("hello stream"u8.ToArray());
        }

        using var reader = new StreamReader(b.AsStream(leaveOpen: true));
        Assert.Equal("hello stream", await reader.ReadToEndAsync());
        await b.CloseAsync();
        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task DuplexPipeFace_RoundTrip_CompleteIsHalfClose()
    {
        var pool = new MessagePool();
        (StreamHead a, StreamHead b) = StreamPipe.Create(new StreamOptions { Pool = pool });
        IDuplexPipe pa = a.AsDuplexPipe();
        IDuplexPipe pb = b.AsDuplexPipe();
        await pa.Output.WriteAsync("ping"u8.ToArray());
        await pa.Output.CompleteAsync();
        ReadResult r;
        var got = new StringBuilder();
        while (true)
        {
            r = await pb.Input.ReadAsync();
            got.Append(Encoding.ASCII.GetString(r.Buffer));
            pb.Input.AdvanceTo(r.Buffer.End);
            if (r.IsCompleted)
            {
                break;
            }
        }

        Assert.Equal("ping", got.ToString());

        // The half-closed end still reads what the other end sends.
        await pb.Output.WriteAsync("pong"u8.ToArray());
        await pb.Output.CompleteAsync();
        r = await pa.Input.ReadAsync();
        while (!r.IsCompleted)
        {
            pa.Input.AdvanceTo(r.Buffer.Start, r.Buffer.End);
            r = await pa.Input.ReadAsync();
        }

        Assert.Equal("pong", Encoding.ASCII.GetString(r.Buffer));
        pa.Input.AdvanceTo(r.Buffer.End);
        await pa.Input.CompleteAsync();
        await pb.Input.CompleteAsync();
        await a.CloseAsync();
        await b.CloseAsync();
        LeakCheck.AssertNoLeaks(pool);
    }
}
