using System.Text;

namespace Streams.Testing;

/// <summary>An in-memory stream for testing modules, like Netty's EmbeddedChannel: modules pushed over a
/// <see cref="MemoryDriver"/>, messages written down at the head or up at the driver, and what comes out of
/// either end read back — no sockets, no threads, no sleeps.</summary>
/// <remarks>
/// Everything runs inline on the calling thread. The stream uses its own <see cref="MessagePool"/>;
/// <see cref="DisposeAsync"/> closes the stream, releases what is left at both ends and fails when a message was
/// leaked (<see cref="MessagePool.Outstanding"/> not zero).
/// </remarks>
public sealed class EmbeddedStream : IAsyncDisposable
{
    /// <summary>Creates the stream with <paramref name="modules"/>, listed from the head down.</summary>
    public EmbeddedStream(params StreamModule[] modules)
        : this(null, modules)
    {
    }

    /// <summary>Creates the stream with options (the pool is always the harness's own) and modules listed from the
    /// head down.</summary>
    public EmbeddedStream(StreamOptions? options, params StreamModule[] modules)
    {
        Pool = new MessagePool();
        Driver = new MemoryDriver("embedded") { ControlHandler = m => ControlHandler is { } handler ? handler(m) : throw new NotSupportedException($"embedded: no handler for '{m.Command}'") };
        Head = StreamHead.Open(Driver, new StreamOptions
        {
            Pool = Pool,
            Components = options?.Components,
            ReadMode = options?.ReadMode ?? ReadMode.Byte,
            HeadLimits = options?.HeadLimits ?? StreamQueueLimits.Default,
            QueueLimits = options?.QueueLimits ?? StreamQueueLimits.Default,
            ControlTimeout = options?.ControlTimeout ?? TimeSpan.FromSeconds(5),
            CloseTimeout = options?.CloseTimeout ?? TimeSpan.FromSeconds(5),
        });
        for (int i = modules.Length - 1; i >= 0; i--)
        {
            Head.PushAsync(modules[i]).GetAwaiter().GetResult();
        }
    }

    /// <summary>The leak-checked pool of this stream.</summary>
    public MessagePool Pool { get; }

    /// <summary>The head.</summary>
    public StreamHead Head { get; }

    /// <summary>The fake driver.</summary>
    public MemoryDriver Driver { get; }

    /// <summary>Answers controls that reach the driver (set before the first control).</summary>
    public Func<Message, object?>? ControlHandler { get; set; }

    /// <summary>Writes a message down at the head; it must be accepted at once (no flow control wait).</summary>
    public void WriteDown(Message message)
    {
        ValueTask write = Head.WriteAsync(message);
        if (!write.IsCompleted)
        {
            throw new InvalidOperationException("The write was held back by flow control.");
        }

        write.GetAwaiter().GetResult();
    }

    /// <summary>Writes bytes down as one data message.</summary>
    public void WriteDown(ReadOnlySpan<byte> data) => WriteDown(Pool.Data(data));

    /// <summary>Writes UTF-8 text down as one data message.</summary>
    public void WriteDown(string text) => WriteDown(Pool.Data(text));

    /// <summary>Completes the write side: a hangup travels down.</summary>
    public void CompleteDown() => Head.CompleteWritesAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Takes the next message that reached the driver, or null. The caller owns it.</summary>
    public Message? ReadDown() => Driver.TryTakeWritten(out Message m) ? m : null;

    /// <summary>Takes every message that reached the driver and returns their payloads (releasing them); hangups
    /// and other non-data messages are skipped.</summary>
    public List<byte[]> ReadAllDown()
    {
        var list = new List<byte[]>();
        while (ReadDown() is { } m)
        {
            if (m.Kind is MessageKind.Data or MessageKind.Proto)
            {
                list.Add(m.Span.ToArray());
            }

            m.Release();
        }

        return list;
    }

    /// <summary>Concatenates the payloads of everything that reached the driver.</summary>
    public byte[] ReadAllDownBytes() => ReadAllDown().SelectMany(b => b).ToArray();

    /// <summary>Injects a message at the driver, travelling up.</summary>
    public void WriteUp(Message message) => Driver.InjectUp(message);

    /// <summary>Injects bytes at the driver as one data message.</summary>
    public void WriteUp(ReadOnlySpan<byte> data) => Driver.InjectUp(data);

    /// <summary>Injects UTF-8 text at the driver.</summary>
    public void WriteUp(string text) => Driver.InjectUp(Encoding.UTF8.GetBytes(text));

    /// <summary>Injects a hangup at the driver.</summary>
    public void HangupUp(HangupKind reason = HangupKind.PeerClosed) => Driver.InjectHangup(reason);

    /// <summary>Takes the next message that reached the head, or null (none waiting, or the end). The caller owns
    /// it. Throws the stream's error if it failed.</summary>
    public Message? ReadUp() => Head.TryRead(out Message? m) ? m : null;

    /// <summary>Takes every message waiting at the head and returns their payloads (releasing them).</summary>
    public List<byte[]> ReadAllUp()
    {
        var list = new List<byte[]>();
        while (ReadUp() is { } m)
        {
            list.Add(m.Span.ToArray());
            m.Release();
        }

        return list;
    }

    /// <summary>Concatenates the payloads of every message waiting at the head.</summary>
    public byte[] ReadAllUpBytes() => ReadAllUp().SelectMany(b => b).ToArray();

    /// <summary>Closes the stream, releases what is left, and throws when a message leaked.</summary>
    public async ValueTask DisposeAsync()
    {
        ReadAllDown();
        try
        {
            ReadAllUp();
        }
        catch (StreamException)
        {
        }

        await Head.AbortAsync();
        ReadAllDown();
        LeakCheck.AssertNoLeaks(Pool);
    }
}
