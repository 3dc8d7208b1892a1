using System.Collections.Concurrent;

namespace Streams.Transports.ZeroMq.Internal;

/// <summary>The modules of one device leg, run as a stream over an in-memory driver: what the leg's socket
/// receives is put up through the modules and read at the head; what the leg sends is written at the head and
/// comes out of the driver.</summary>
/// <remarks>The device's poller thread drives it; a module that produces output on another thread (a timer) has
/// its output queued in <see cref="Out"/> and the device is woken through <c>notify</c>.</remarks>
internal sealed class DeviceLegStream
{
    private readonly MemoryDriver _driver;
    private readonly Action _notify;
    private Thread? _owner;

    public DeviceLegStream(string name, StreamModule module, MessagePool pool, Action notify)
    {
        _notify = notify;
        _driver = new MemoryDriver("zmq-leg:" + name) { Sink = Accept };
        Head = StreamHead.Open(_driver, new StreamOptions { Pool = pool });
        Head.PushAsync(module).GetAwaiter().GetResult();
    }

    public StreamHead Head { get; }

    /// <summary>Messages that came out at the driver (to send on the leg's socket).</summary>
    public ConcurrentQueue<Message> Out { get; } = new();

    public void SetOwner(Thread thread) => _owner = thread;

    /// <summary>A message received on the leg's socket: up through the modules.</summary>
    public void PutUp(Message message) => _driver.InjectUp(message);

    /// <summary>Takes the next message that reached the head.</summary>
    public bool TryReadUp(out Message? message) => Head.TryRead(out message);

    /// <summary>A message to send on the leg's socket: down through the modules.</summary>
    public void WriteDown(Message message)
    {
        ValueTask write = Head.WriteAsync(message);
        if (!write.IsCompleted)
        {
            _ = write.AsTask();
        }
        else
        {
            write.GetAwaiter().GetResult();
        }
    }

    public async Task CloseAsync()
    {
        try
        {
            await Head.AbortAsync().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or StreamException)
        {
            // Bounded teardown.
        }

        while (Out.TryDequeue(out Message? m))
        {
            m.Release();
        }
    }

    private void Accept(Message message)
    {
        if (message.Kind is not (MessageKind.Data or MessageKind.Proto))
        {
            message.Release();
            return;
        }

        Out.Enqueue(message);
        if (_owner is not null && Thread.CurrentThread != _owner)
        {
            _notify();
        }
    }
}
