using NetMQ;
using Streams.Transports.ZeroMq.Internal;

namespace Streams.Transports.ZeroMq;

// Everything here runs on the poller thread, the only thread that touches the socket.
internal sealed partial class ZeroMqDriver
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(1);
    private readonly List<byte[]> _frames = [];
    private Msg _out;
    private Msg _in;
    private int _batchIndex;
    private bool _stalled;
    private bool _receiving;

    // REQ alternates strictly: a request written before the previous reply arrived waits (it is not an error).
    private bool _awaitingReply;

    private void OnCommand(object? sender, NetMQQueueEventArgs<Command> e)
    {
        LeavePollerContext();
        try
        {
            while (e.Queue.TryDequeue(out Command command, TimeSpan.Zero))
            {
                switch (command)
                {
                    case Command.Batch:
                        PumpSends();
                        break;
                    case Command.ResumeReceive:
                        ResumeReceive();
                        break;
                    case Command.Stop:
                        StopOnPoller();
                        return;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _context?.Fail(ex);
        }
    }

    // NetMQPoller makes itself the thread's SynchronizationContext. Code that runs inline from here (stream
    // continuations, a reader's await) must not capture it: its continuations would be posted to this poller,
    // and fail once the poller is disposed.
    internal static void LeavePollerContext()
    {
        if (SynchronizationContext.Current is not null)
        {
            SynchronizationContext.SetSynchronizationContext(null);
        }
    }

    private void PumpSends()
    {
        NetMQSocket socket = _socket!;
        while (_batchIndex < _batch.Count)
        {
            Message m = _batch[_batchIndex];
            if (m.Kind == MessageKind.Hangup)
            {
                _batchIndex++;
                m.Release();
                _writerFinished = true;
                _context!.WritesCompleted();
                if (!ZeroMqSockets.CanReceive(_address.SocketType))
                {
                    // Push and pub never receive: without this hangup a reader would wait forever.
                    _context.PutUp(_context.Pool.Hangup(HangupKind.LocalClose));
                }

                continue;
            }

            if (m.Kind == MessageKind.Control)
            {
                _batchIndex++;
                Subscribe(socket, m);
                continue;
            }

            if (!TrySendMessage(socket, m))
            {
                if (!_stalled)
                {
                    _stalled = true;
                    socket.SendReady += OnSendReady;
                }

                return;
            }

            _batchIndex++;
            m.Release();
        }

        if (_stalled)
        {
            _stalled = false;
            socket.SendReady -= OnSendReady;
        }

        lock (_batchGate)
        {
            _batch.Clear();
            _batchIndex = 0;
        }

        if (_writeQueue is { } queue)
        {
            _context!.Invoke(OnBatchDone, queue);
        }
    }

    private void Subscribe(NetMQSocket socket, Message request)
    {
        DriverContext context = _context!;
        Message answer;
        try
        {
            string topic = request.Protocol as string ?? throw new ArgumentException($"{request.Command} needs the topic (a string) as its argument");
            bool subscribe = request.Command == ControlSubscribe;
            if (socket is NetMQ.Sockets.SubscriberSocket sub)
            {
                if (subscribe)
                {
                    sub.Subscribe(topic);
                }
                else
                {
                    sub.Unsubscribe(topic);
                }
            }
            else
            {
                socket.SendFrame([(byte)(subscribe ? 1 : 0), .. System.Text.Encoding.UTF8.GetBytes(topic)]);
            }

            answer = context.Pool.Ack(request, topic, Name);
        }
        catch (Exception ex) when (ex is ArgumentException or NetMQException)
        {
            answer = context.Pool.Nak(request, ex, Name);
        }

        request.Release();
        if (_writeQueue is { } queue)
        {
            context.Invoke(q => q.Reply(answer), queue);
        }
        else
        {
            answer.Release();
        }
    }

    private bool TrySendMessage(NetMQSocket socket, Message m)
    {
        if (_awaitingReply)
        {
            return false;
        }

        ZeroMqEnvelope? envelope = m.Kind == MessageKind.Proto ? m.Protocol as ZeroMqEnvelope : null;
        int frames = envelope?.Count ?? 0;
        for (int i = 0; i < frames; i++)
        {
            byte[] frame = envelope!.RawFrame(i);
            _out.InitPool(frame.Length);
            frame.CopyTo(_out.Slice());
            if (!socket.TrySend(ref _out, i == 0 ? TimeSpan.Zero : FrameTimeout, more: true))
            {
                _out.Close();
                _out.InitEmpty();
                if (i == 0)
                {
                    return false;
                }

                // ZeroMQ accepts the later frames of a message once it took the first; not doing so is a fault.
                throw new IOException($"{_address.Text}: the socket refused frame {i} of a multipart message");
            }
        }

        _out.InitPool(m.Length);
        m.Span.CopyTo(_out.Slice());
        if (!socket.TrySend(ref _out, frames == 0 ? TimeSpan.Zero : FrameTimeout, more: false))
        {
            _out.Close();
            _out.InitEmpty();
            if (frames == 0)
            {
                return false;
            }

            throw new IOException($"{_address.Text}: the socket refused the last frame of a multipart message");
        }

        _awaitingReply = _address.SocketType == ZeroMqSocketType.Req;
        return true;
    }

    private void OnSendReady(object? sender, NetMQSocketEventArgs e)
    {
        LeavePollerContext();
        try
        {
            PumpSends();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (_stalled)
            {
                _stalled = false;
                e.Socket.SendReady -= OnSendReady;
            }

            _context?.Fail(ex);
        }
    }

    private void OnReceiveReady(object? sender, NetMQSocketEventArgs e)
    {
        LeavePollerContext();
        try
        {
            ReceiveBatch(e.Socket);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Stop listening first: a socket that stays readable would raise the same failure again and again.
            if (_receiving)
            {
                _receiving = false;
                e.Socket.ReceiveReady -= OnReceiveReady;
            }

            _context?.Fail(ex);
        }
    }

    private void ReceiveBatch(NetMQSocket socket)
    {
        DriverContext context = _context!;
        for (int n = 0; n < _address.Batch; n++)
        {
            if (!context.CanPutUp)
            {
                PauseReceive(socket);
                return;
            }

            if (!socket.TryReceive(ref _in, TimeSpan.Zero))
            {
                return;
            }

            _frames.Clear();
            while (_in.HasMore)
            {
                _frames.Add(_in.ToArray());
                if (!socket.TryReceive(ref _in, FrameTimeout))
                {
                    throw new IOException($"{_address.Text}: a multipart message ended early");
                }
            }

            Message message;
            if (_frames.Count == 0)
            {
                message = context.Pool.Rent(_in.Size);
            }
            else
            {
                message = context.Pool.Rent(_in.Size, MessageKind.Proto);
                message.Protocol = ZeroMqEnvelope.Wrap([.. _frames]);
            }

            if (_in.Size > 0)
            {
                _in.Slice().CopyTo(message.WritableSpan);
            }

            context.PutUp(message);
            if (_address.SocketType is ZeroMqSocketType.Req or ZeroMqSocketType.Rep)
            {
                // One reply (or request) at a time: the socket must send before it may receive again.
                _awaitingReply = false;
                return;
            }
        }
    }

    private void PauseReceive(NetMQSocket socket)
    {
        if (!_receiving)
        {
            return;
        }

        _receiving = false;
        socket.ReceiveReady -= OnReceiveReady;
        _ = _context!.WaitForCapacityAsync().AsTask().ContinueWith(
            static (_, state) =>
            {
                var driver = (ZeroMqDriver)state!;
                try
                {
                    if (!driver._stopped)
                    {
                        driver._commands.Enqueue(Command.ResumeReceive);
                    }
                }
                catch (ObjectDisposedException)
                {
                    // Stopped meanwhile.
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void ResumeReceive()
    {
        if (_receiving || _socket is null)
        {
            return;
        }

        _receiving = true;
        _socket.ReceiveReady += OnReceiveReady;

        // Frames may already wait in the socket: take them now rather than wait for the next edge.
        ReceiveBatch(_socket);
    }

    private void StopOnPoller()
    {
        lock (_batchGate)
        {
            _stopped = true;
        }

        NetMQSocket? socket = _socket;
        _socket = null;
        if (socket is not null)
        {
            if (_receiving)
            {
                socket.ReceiveReady -= OnReceiveReady;
                _receiving = false;
            }

            if (_stalled)
            {
                socket.SendReady -= OnSendReady;
                _stalled = false;
            }

            socket.Options.Linger = !_stopAbort && _writerFinished ? _address.CloseLinger : _address.Linger;
            _poller!.Remove(socket);
            socket.Dispose();
        }

        if (_out.IsInitialised)
        {
            _out.Close();
        }

        if (_in.IsInitialised)
        {
            _in.Close();
        }

        ReleaseBatch();
        _poller!.StopAsync();
        _stopDone?.TrySetResult();
    }
}
