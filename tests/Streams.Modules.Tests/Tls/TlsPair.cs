using Streams.Modules.Tls;
using Streams.Testing;

namespace Streams.Modules.Tests.Tls;

/// <summary>A TLS client and a TLS server on the two ends of a cross-connected stream (<see cref="StreamPipe"/>),
/// each end with its own leak-checked pool; optional modules sit below each TLS module.</summary>
public sealed class TlsPair : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private TlsPair(StreamHead client, StreamHead server, MessagePool clientPool, MessagePool serverPool)
    {
        Client = client;
        Server = server;
        ClientPool = clientPool;
        ServerPool = serverPool;
    }

    public StreamHead Client { get; }

    public StreamHead Server { get; }

    public MessagePool ClientPool { get; }

    public MessagePool ServerPool { get; }

    public static TlsOptions ServerOptions => new()
    {
        Role = TlsRole.Server,
        CertificatePath = TlsTestCertificates.Paths.ServerCert,
        KeyPath = TlsTestCertificates.Paths.ServerKey,
    };

    public static TlsOptions ClientOptions => new()
    {
        ServerName = "localhost",
        TrustPath = TlsTestCertificates.Paths.Ca,
    };

    public static async Task<TlsPair> OpenAsync(TlsOptions? client = null, TlsOptions? server = null, StreamModule[]? belowClient = null, StreamModule[]? belowServer = null, StreamQueueLimits? limits = null)
    {
        var clientPool = new MessagePool();
        var serverPool = new MessagePool();
        (StreamHead c, StreamHead s) = StreamPipe.Create(Options(clientPool, limits), Options(serverPool, limits));
        foreach (StreamModule m in belowServer ?? [])
        {
            await s.PushAsync(m);
        }

        foreach (StreamModule m in belowClient ?? [])
        {
            await c.PushAsync(m);
        }

        await s.PushAsync(new TlsModule(server ?? ServerOptions));
        await c.PushAsync(new TlsModule(client ?? ClientOptions));
        return new TlsPair(c, s, clientPool, serverPool);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, or fewer when the stream ends first.</summary>
    public static async Task<byte[]> ReadBytesAsync(StreamHead head, int count)
    {
        var got = new MemoryStream();
        using var cts = new CancellationTokenSource(Wait);
        while (got.Length < count)
        {
            Message? m = await head.ReadAsync(cts.Token);
            if (m is null)
            {
                break;
            }

            got.Write(m.Span);
            m.Release();
        }

        return got.ToArray();
    }

    /// <summary>Reads until the stream ends.</summary>
    public static async Task<byte[]> ReadToEndAsync(StreamHead head)
    {
        var got = new MemoryStream();
        using var cts = new CancellationTokenSource(Wait);
        while (await head.ReadAsync(cts.Token) is { } m)
        {
            got.Write(m.Span);
            m.Release();
        }

        return got.ToArray();
    }

    /// <summary>Waits for the handshake of <paramref name="head"/> and returns what it negotiated.</summary>
    public static async Task<TlsInfo> InfoAsync(StreamHead head) =>
        Assert.IsType<TlsInfo>(await head.ControlAsync(TlsModule.InfoCommand, timeout: Wait));

    /// <summary>Waits for <paramref name="head"/> to fail and returns its error.</summary>
    public static async Task<StreamException> FailureAsync(StreamHead head)
    {
        using var cts = new CancellationTokenSource(Wait);
        try
        {
            while (await head.ReadAsync(cts.Token) is { } m)
            {
                m.Release();
            }
        }
        catch (StreamException ex)
        {
            return ex;
        }

        throw new Xunit.Sdk.XunitException($"the stream ended ({head.EndReason}) instead of failing");
    }

    public async ValueTask DisposeAsync()
    {
        await Client.AbortAsync();
        await Server.AbortAsync();
        await Task.WhenAll(Client.Completion, Server.Completion).WaitAsync(Wait);
        LeakCheck.AssertNoLeaks(ClientPool);
        LeakCheck.AssertNoLeaks(ServerPool);
    }

    private static StreamOptions Options(MessagePool pool, StreamQueueLimits? limits) => new()
    {
        Pool = pool,
        QueueLimits = limits ?? StreamQueueLimits.Default,
        HeadLimits = limits ?? StreamQueueLimits.Default,
        ControlTimeout = Wait,
        CloseTimeout = Wait,
    };
}

/// <summary>Below a TLS module: drops hangups coming up, so that only a close_notify can end the reads.</summary>
public sealed class DropHangupsUpModule() : StreamModule("drop-hangups")
{
    public int Dropped { get; private set; }

    protected override void OnRead(StreamQueue queue, Message message)
    {
        if (message.Kind == MessageKind.Hangup)
        {
            Dropped++;
            message.Release();
            return;
        }

        queue.PutNext(message);
    }
}

/// <summary>Below a TLS module: once armed, flips a bit of the next data message coming up.</summary>
public sealed class CorruptUpModule() : StreamModule("corrupt")
{
    private volatile bool _armed;

    public void Arm() => _armed = true;

    protected override void OnRead(StreamQueue queue, Message message)
    {
        if (_armed && message.Kind == MessageKind.Data && message.Length > 0)
        {
            _armed = false;
            message.WritableSpan[^1] ^= 0x01;
        }

        queue.PutNext(message);
    }
}
