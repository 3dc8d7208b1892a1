using System.Text;
using Streams.Modules.Tls;
using Streams.Testing;

namespace Streams.Modules.Tests.Tls;

/// <summary>Property checks for the tls module, whose decoder is SslStream's record layer: any chunking of the
/// encrypted stream between a client and a server decodes to the same bytes; a truncated or garbage encrypted
/// stream ends in a clean error naming the module and the offset, never a crash or a hang.</summary>
public sealed class TlsPropertyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task AnyChunking_OfTheEncryptedStream_DeliversTheSameBytesBothWays(int seed)
    {
        // Both directions are re-cut at random below each tls module, the handshake included: pieces of one byte
        // up to a few records, never aligned with the records.
        var rng = new Random(seed);
        await using TlsPair pair = await TlsPair.OpenAsync(belowClient: [new RechunkUpModule(seed * 31)], belowServer: [new RechunkUpModule(seed * 37)]);
        byte[] up = RandomBytes(rng, rng.Next(1, 60_000));
        byte[] down = RandomBytes(rng, rng.Next(1, 60_000));

        Task<byte[]> atServer = TlsPair.ReadBytesAsync(pair.Server, up.Length);
        Task<byte[]> atClient = TlsPair.ReadBytesAsync(pair.Client, down.Length);
        await Task.WhenAll(WriteRandomlyAsync(pair.Client, up, new Random(seed + 100)), WriteRandomlyAsync(pair.Server, down, new Random(seed + 200))).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(up, await atServer);
        Assert.Equal(down, await atClient);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public async Task TruncatedRecord_ThenHangup_FailsNamingTheModuleAndOffset(int seed)
    {
        // After the handshake and some data, the encrypted stream is cut in the middle of a record and the
        // transport hangs up: the reader must fail (a TLS stream may only end with close_notify), naming where.
        var rng = new Random(seed);
        var cut = new TruncateUpModule();
        await using TlsPair pair = await TlsPair.OpenAsync(belowServer: [cut]);
        await pair.Client.WriteAsync("before");
        Assert.Equal("before", Encoding.ASCII.GetString(await TlsPair.ReadBytesAsync(pair.Server, 6)));

        cut.Arm(keep: rng.Next(1, 200));
        await pair.Client.WriteAsync(RandomBytes(rng, rng.Next(300, 5000)));
        StreamException ex = await TlsPair.FailureAsync(pair.Server);
        Assert.Equal("tls", ex.Component);
        Assert.StartsWith("tls: receive failed: ", ex.Message, StringComparison.Ordinal);
        Assert.Matches(@"\(after byte \d+ of the encrypted stream\)$", ex.Message);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(25)]
    public async Task RandomBytes_AsTheEncryptedStream_FailCleanlyNamingTheOffset(int seed)
    {
        // A server fed random bytes in random chunks (and then a hangup) instead of a ClientHello.
        var rng = new Random(seed);
        await using var s = new EmbeddedStream(new TlsModule(TlsPair.ServerOptions));
        byte[] garbage = RandomBytes(rng, rng.Next(1, 3000));
        for (int offset = 0; offset < garbage.Length;)
        {
            int n = Math.Min(rng.Next(1, 700), garbage.Length - offset);
            s.WriteUp(garbage.AsSpan(offset, n).ToArray());
            offset += n;
        }

        s.HangupUp();
        StreamException ex = await TlsPair.FailureAsync(s.Head);
        Assert.Equal("tls", ex.Component);
        Assert.StartsWith("tls: handshake failed: ", ex.Message, StringComparison.Ordinal);
        Assert.Matches(@"\(after byte \d+ of the encrypted stream\)$", ex.Message);
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        byte[] bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static async Task WriteRandomlyAsync(StreamHead head, byte[] data, Random rng)
    {
        for (int offset = 0; offset < data.Length;)
        {
            int n = Math.Min(rng.Next(0, 4) == 0 ? rng.Next(1, 10) : rng.Next(1, 40_000), data.Length - offset);
            await head.WriteAsync(data.AsMemory(offset, n));
            offset += n;
        }
    }
}

/// <summary>Below a TLS module: cuts every data message coming up into random pieces (one byte up to about
/// two records), so that records arrive split anywhere.</summary>
public sealed class RechunkUpModule(int seed) : StreamModule("rechunk")
{
    private readonly Random _rng = new(seed);

    protected override void OnRead(StreamQueue queue, Message message)
    {
        if (message.Kind != MessageKind.Data || message.Length <= 1)
        {
            queue.PutNext(message);
            return;
        }

        ReadOnlySpan<byte> bytes = message.Span;
        for (int offset = 0; offset < bytes.Length;)
        {
            int n = Math.Min(_rng.Next(0, 3) == 0 ? _rng.Next(1, 6) : _rng.Next(1, 34_000), bytes.Length - offset);
            queue.PutNext(message.Pool.Data(bytes.Slice(offset, n)));
            offset += n;
        }

        message.Release();
    }
}

/// <summary>Below a TLS module: once armed, passes only the first bytes of the next data message coming up,
/// then drops every later data message and sends a hangup up in their place.</summary>
public sealed class TruncateUpModule() : StreamModule("truncate")
{
    private volatile int _keep = -1;
    private bool _cut;

    public void Arm(int keep) => _keep = keep;

    protected override void OnRead(StreamQueue queue, Message message)
    {
        if (_cut)
        {
            message.Release();
            return;
        }

        int keep = _keep;
        if (keep < 0 || message.Kind != MessageKind.Data || message.Length == 0)
        {
            queue.PutNext(message);
            return;
        }

        _cut = true;
        if (keep < message.Length)
        {
            message.Truncate(keep);
        }

        queue.PutNext(message);
        queue.PutNext(message.Pool.Hangup());
    }
}
