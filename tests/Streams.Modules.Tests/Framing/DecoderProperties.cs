using Streams.Testing;

namespace Streams.Modules.Tests.Framing;

/// <summary>Property checks shared by the decoder tests: any chunking of valid input decodes to the same
/// messages; garbage and truncated input end cleanly (an error naming the module, or the end), never a crash or
/// a hang.</summary>
public static class DecoderProperties
{
    /// <summary>Encodes random messages with <paramref name="create"/>'s write side, feeds the bytes back in random
    /// chunks to its read side, and checks that the same messages come out.</summary>
    public static async Task RoundTripAsync(Func<StreamModule> create, Func<Random, byte[]> payload, int seed, int iterations = 200)
    {
        var rng = new Random(seed);
        for (int it = 0; it < iterations; it++)
        {
            int count = rng.Next(0, 12);
            var sent = new List<byte[]>(count);
            byte[] wire;
            await using (var down = new EmbeddedStream(create()))
            {
                for (int i = 0; i < count; i++)
                {
                    byte[] p = payload(rng);
                    sent.Add(p);
                    down.WriteDown(p);
                }

                wire = down.ReadAllDownBytes();
            }

            await using var up = new EmbeddedStream(create());
            var got = new List<byte[]>();
            foreach (ArraySegment<byte> chunk in Chunk(rng, wire))
            {
                up.WriteUp(chunk);
                got.AddRange(up.ReadAllUp());
            }

            Assert.True(sent.Count == got.Count, $"iteration {it}: sent {sent.Count} messages, got {got.Count}");
            for (int i = 0; i < sent.Count; i++)
            {
                Assert.True(sent[i].AsSpan().SequenceEqual(got[i]), $"iteration {it}: message {i} differs");
            }
        }
    }

    /// <summary>Feeds random bytes (from <paramref name="garbage"/>) in random chunks, then a hangup: the stream
    /// must end, either cleanly or with a <see cref="StreamException"/> naming <paramref name="component"/>.</summary>
    /// <returns>How many runs ended in an error.</returns>
    public static async Task<int> GarbageAsync(Func<StreamModule> create, string component, Func<Random, byte[]> garbage, int seed, int iterations = 200)
    {
        var rng = new Random(seed);
        int errors = 0;
        for (int it = 0; it < iterations; it++)
        {
            await using var up = new EmbeddedStream(create());
            if (await FeedAsync(up, rng, garbage(rng)) is { } ex)
            {
                Assert.Equal(component, ex.Component);
                errors++;
            }
        }

        return errors;
    }

    /// <summary>Feeds <paramref name="wire"/> in random chunks and a hangup, and reads to the end.</summary>
    /// <returns>The error the stream ended with, or null when it ended cleanly.</returns>
    public static async Task<StreamException?> FeedAsync(EmbeddedStream up, Random rng, byte[] wire)
    {
        try
        {
            foreach (ArraySegment<byte> chunk in Chunk(rng, wire))
            {
                up.WriteUp(chunk);
                up.ReadAllUp();
            }

            up.HangupUp();
            while (await up.Head.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)) is { } m)
            {
                m.Release();
            }

            return null;
        }
        catch (StreamException ex)
        {
            return ex;
        }
    }

    /// <summary>Cuts <paramref name="data"/> into random pieces: often single bytes, sometimes large runs.</summary>
    public static IEnumerable<ArraySegment<byte>> Chunk(Random rng, byte[] data)
    {
        int pos = 0;
        while (pos < data.Length)
        {
            int left = data.Length - pos;
            int n = rng.Next(3) switch
            {
                0 => 1,
                1 => rng.Next(1, Math.Min(left, 8) + 1),
                _ => rng.Next(1, left + 1),
            };
            yield return new ArraySegment<byte>(data, pos, n);
            pos += n;
        }
    }

    /// <summary>Random bytes of a random length up to <paramref name="max"/>.</summary>
    public static byte[] RandomBytes(Random rng, int max)
    {
        byte[] b = new byte[rng.Next(0, max + 1)];
        rng.NextBytes(b);
        return b;
    }

    /// <summary>Random bytes that avoid <paramref name="forbidden"/>.</summary>
    public static byte[] RandomBytesWithout(Random rng, int max, byte forbidden)
    {
        byte[] b = RandomBytes(rng, max);
        for (int i = 0; i < b.Length; i++)
        {
            if (b[i] == forbidden)
            {
                b[i] = (byte)(forbidden + 1);
            }
        }

        return b;
    }
}
