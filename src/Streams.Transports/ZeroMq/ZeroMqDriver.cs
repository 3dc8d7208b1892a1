using NetMQ;
using Streams.Transports.ZeroMq.Internal;

namespace Streams.Transports.ZeroMq;

/// <summary>The driver of a <c>zmq:</c> stream: one NetMQ socket served by its own <see cref="NetMQPoller"/>
/// thread.</summary>
/// <remarks>
/// <para><b>Threading.</b> The socket is touched only on the poller thread. Writes reach the driver inside the
/// stream's serial context and wait on the driver's write queue; the driver hands them to the poller thread in
/// batches (at most one batch in flight, so a batch grows while the poller is busy: one hop per batch). Receives
/// happen on the poller thread, up to <see cref="ZeroMqAddress.Batch"/> messages per wake-up, each put up the
/// stream by a plain call.</para>
/// <para><b>Flow control.</b> Nothing is received while the stream cannot take more (the socket's receive HWM
/// then pushes back on the peers). A send that the socket refuses (its HWM is reached or, for push, dealer and
/// pair, no peer is there) is retried when the poller reports the socket writable; meanwhile writes pend on the
/// driver's write queue, whose water marks stop the writers at the head. Pub and router drop as ZeroMQ does.</para>
/// <para><b>Hangup.</b> ZeroMQ has no end of stream. A downward hangup (the writer finished) is reported as
/// written once everything before it was handed to the socket; the socket stays open for reading, and when the
/// stream then closes the socket lingers <see cref="ZeroMqAddress.CloseLinger"/> to deliver what it still holds.
/// For the send-only types (push, pub) the driver also puts a hangup up, so reads end. Otherwise reads end only
/// when the stream is closed.</para>
/// </remarks>
[System.Diagnostics.DebuggerDisplay("{Name,nq} in flight: {_inFlight}")]
internal sealed partial class ZeroMqDriver : StreamDriver
{
    /// <summary>The control that answers the last bound or connected endpoint (with the real port after
    /// binding <c>tcp://…:*</c>).</summary>
    internal const string ControlEndpoint = ZeroMqTransport.EndpointControl;

    /// <summary>The control that subscribes a sub or xsub socket to the topic given as its argument.</summary>
    internal const string ControlSubscribe = ZeroMqTransport.SubscribeControl;

    /// <summary>The control that unsubscribes a sub or xsub socket from the topic given as its argument.</summary>
    internal const string ControlUnsubscribe = ZeroMqTransport.UnsubscribeControl;

    private const int MaxBatchBytes = 256 * 1024;

    private readonly ZeroMqAddress _address;
    private readonly NetMQQueue<Command> _commands = new();
    private readonly List<Message> _batch = [];
    private readonly object _batchGate = new();
    private DriverContext? _context;
    private NetMQPoller? _poller;
    private NetMQSocket? _socket;
    private StreamQueue? _writeQueue;
    private bool _inFlight;
    private volatile bool _stopped;
    private volatile bool _writerFinished;
    private TaskCompletionSource? _stopDone;
    private bool _stopAbort;

    public ZeroMqDriver(ZeroMqAddress address)
    {
        ZeroMqTransport.NoteUse();
        _address = address;
    }

    private enum Command : byte
    {
        Batch,
        ResumeReceive,
        Stop,
    }

    public override string Name => _address.Text;

    /// <summary>The address.</summary>
    public ZeroMqAddress Address => _address;

    /// <summary>The endpoint the socket bound or connected last (with the real port after binding
    /// <c>tcp://…:*</c>).</summary>
    public string? LastEndpoint { get; private set; }

    protected override void Start(DriverContext context)
    {
        _context = context;
        NetMQSocket socket = ZeroMqSockets.Create(_address.SocketType);
        socket.Options.SendHighWatermark = _address.SendHighWatermark;
        socket.Options.ReceiveHighWatermark = _address.ReceiveHighWatermark;
        socket.Options.Linger = _address.Linger;
        if (_address.Identity is { } identity)
        {
            socket.Options.Identity = System.Text.Encoding.UTF8.GetBytes(identity);
        }

        if (socket is NetMQ.Sockets.SubscriberSocket sub)
        {
            if (_address.Subscriptions.Count == 0)
            {
                sub.SubscribeToAnyTopic();
            }

            foreach (string topic in _address.Subscriptions)
            {
                sub.Subscribe(topic);
            }
        }

        try
        {
            ZeroMqSockets.Attach(socket, _address.Endpoints, _address.Text);
        }
        catch
        {
            _commands.Dispose();
            throw;
        }

        if (socket is NetMQ.Sockets.XSubscriberSocket)
        {
            // An XSUB subscribes by sending 0x01 + topic; the socket is not shared with the poller yet.
            foreach (string topic in _address.Subscriptions)
            {
                socket.SendFrame([1, .. System.Text.Encoding.UTF8.GetBytes(topic)]);
            }
        }

        LastEndpoint = socket.Options.LastEndpoint;
        _socket = socket;
        _out.InitEmpty();
        _in.InitEmpty();
        _commands.ReceiveReady += OnCommand;
        if (ZeroMqSockets.CanReceive(_address.SocketType))
        {
            socket.ReceiveReady += OnReceiveReady;
            _receiving = true;
        }

        _poller = [socket, _commands];
        _poller.RunAsync("zmq " + _address.SocketType.ToString().ToLowerInvariant(), isBackgroundThread: true);
    }

    protected override void OnWrite(StreamQueue queue, Message message)
    {
        _writeQueue ??= queue;
        if (message.Kind == MessageKind.Flush && (message.FlushSides & FlushSides.Write) != 0)
        {
            queue.Flush();
        }

        if (message.Kind == MessageKind.Control && HandleControl(queue, message))
        {
            return;
        }

        if (HandleDefault(queue, message))
        {
            return;
        }

        if (message.Kind != MessageKind.Hangup && !ZeroMqSockets.CanSend(_address.SocketType))
        {
            message.Release();
            queue.Fail(new NotSupportedException($"{_address.Text}: a {_address.SocketType.ToString().ToLowerInvariant()} socket cannot send"));
            return;
        }

        queue.Enqueue(message);
        if (!_inFlight)
        {
            Dispatch(queue);
        }
    }

    protected override async ValueTask StopAsync(bool abort)
    {
        if (_poller is null)
        {
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _stopAbort = abort;
        _stopDone = done;
        try
        {
            _commands.Enqueue(Command.Stop);
            await done.Task.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            // The poller is stuck or gone: tear it down below regardless; shutdown must not hang.
        }

        _stopped = true;
        NetMQPoller poller = _poller;
        try
        {
            await Task.Run(() =>
            {
                poller.Dispose();
                _commands.Dispose();
            }).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or ObjectDisposedException or NetMQException)
        {
            // Bounded: a poller that does not stop in time is left to the process.
        }

        ReleaseBatch();
    }

    // Controls: zmq.endpoint is answered here; zmq.subscribe and zmq.unsubscribe (argument: the topic) queue
    // behind the data written before them and are carried out on the poller thread.
    private bool HandleControl(StreamQueue queue, Message message)
    {
        switch (message.Command)
        {
            case ControlEndpoint:
                queue.Reply(queue.Pool.Ack(message, LastEndpoint, Name));
                message.Release();
                return true;
            case ControlSubscribe or ControlUnsubscribe when _address.SocketType is ZeroMqSocketType.Sub or ZeroMqSocketType.XSub:
                queue.Enqueue(message);
                if (!_inFlight)
                {
                    Dispatch(queue);
                }

                return true;
            default:
                return false;
        }
    }

    // Inside the serial context: hands the next batch of queued messages to the poller thread.
    private void Dispatch(StreamQueue queue)
    {
        lock (_batchGate)
        {
            if (_stopped)
            {
                return;
            }

            System.Diagnostics.Debug.Assert(_batch.Count == 0, "at most one batch is in flight");
            int bytes = 0;
            while (_batch.Count < _address.Batch && bytes < MaxBatchBytes && queue.TryDequeue(out Message m))
            {
                _batch.Add(m);
                bytes += m.Length;
            }

            if (_batch.Count == 0)
            {
                return;
            }

            _inFlight = true;
        }

        try
        {
            _commands.Enqueue(Command.Batch);
        }
        catch (ObjectDisposedException)
        {
            ReleaseBatch();
        }
    }

    // Inside the serial context, after the poller sent a whole batch.
    private static void OnBatchDone(StreamQueue queue)
    {
        var driver = (ZeroMqDriver)queue.Driver!;
        driver._inFlight = false;
        if (queue.Count > 0)
        {
            driver.Dispatch(queue);
        }
    }

    private void ReleaseBatch()
    {
        lock (_batchGate)
        {
            for (int i = _batchIndex; i < _batch.Count; i++)
            {
                _batch[i].Release();
            }

            _batch.Clear();
            _batchIndex = 0;
        }
    }
}
