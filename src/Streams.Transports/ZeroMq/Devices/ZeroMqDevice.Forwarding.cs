using NetMQ;
using Streams.Transports.ZeroMq.Internal;

namespace Streams.Transports.ZeroMq.Devices;

// Everything here runs on the device's poller thread, the only thread that touches its sockets.
public sealed partial class ZeroMqDevice
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(1);
    private DeviceFlow? _down;
    private DeviceFlow? _up;
    private Msg _msg;
    private Msg _copy;
    private bool _stopping;

    private void SetUpFlows()
    {
        _down = new DeviceFlow(_front!, _back!);
        _down.OnReceive = (_, _) => Guard(_down);
        _down.OnSend = (_, _) => GuardResume(_down);
        if (_options.Kind != ZeroMqDeviceKind.Streamer)
        {
            _up = new DeviceFlow(_back!, _front!);
            _up.OnReceive = (_, _) => Guard(_up);
            _up.OnSend = (_, _) => GuardResume(_up);
        }

        if (_paused)
        {
            return;
        }

        UpdateListening(_down);
        if (_up is not null)
        {
            UpdateListening(_up);
        }
    }

    private void OnCommand(object? sender, NetMQQueueEventArgs<DeviceCommand> e)
    {
        ZeroMqDriver.LeavePollerContext();
        while (!_stopping && e.Queue.TryDequeue(out DeviceCommand command, TimeSpan.Zero))
        {
            switch (command)
            {
                case DeviceCommand.Pause:
                    SetPaused(true);
                    break;
                case DeviceCommand.Resume:
                    SetPaused(false);
                    break;
                case DeviceCommand.DrainLegs:
                    Guard(null);
                    break;
                case DeviceCommand.Stop:
                    StopOnPoller(null);
                    break;
            }
        }
    }

    private void SetPaused(bool paused)
    {
        _paused = paused;
        if (_relay is not null)
        {
            _relay.Paused = paused;
            return;
        }

        UpdateListening(_down!);
        if (_up is not null)
        {
            UpdateListening(_up);
        }
    }

    private void UpdateListening(DeviceFlow flow)
    {
        bool want = !_paused && !_stopping && !flow.HasPending && flow.Outbox.IsEmpty;
        if (want != flow.Listening)
        {
            if (want)
            {
                flow.From.Socket.ReceiveReady += flow.OnReceive;
            }
            else
            {
                flow.From.Socket.ReceiveReady -= flow.OnReceive;
            }

            flow.Listening = want;
        }

        bool wantSend = !_stopping && (flow.HasPending || !flow.Outbox.IsEmpty);
        if (wantSend != flow.WaitingToSend)
        {
            if (wantSend)
            {
                flow.To.Socket.SendReady += flow.OnSend;
            }
            else
            {
                flow.To.Socket.SendReady -= flow.OnSend;
            }

            flow.WaitingToSend = wantSend;
        }
    }

    // A null flow: drain what leg modules produced on other threads.
    private void Guard(DeviceFlow? flow)
    {
        ZeroMqDriver.LeavePollerContext();
        try
        {
            if (flow is null)
            {
                SendOutbox(_down!);
                if (_up is not null)
                {
                    SendOutbox(_up);
                }
            }
            else if (flow.From.Modules is null && flow.To.Modules is null)
            {
                Forward(flow);
            }
            else
            {
                ForwardThroughModules(flow);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            StopOnPoller(ex);
        }
    }

    private void GuardResume(DeviceFlow flow)
    {
        ZeroMqDriver.LeavePollerContext();
        try
        {
            if (flow.HasPending && !ResumePending(flow))
            {
                return;
            }

            if (!flow.Outbox.IsEmpty && !SendOutbox(flow))
            {
                return;
            }

            UpdateListening(flow);
            if (flow.Listening)
            {
                Guard(flow);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            StopOnPoller(ex);
        }
    }

    // The fast path: frames move as Msg from socket to socket, the same Msg reused, counters kept in locals.
    private void Forward(DeviceFlow flow)
    {
        NetMQSocket from = flow.From.Socket;
        NetMQSocket to = flow.To.Socket;
        NetMQSocket? capture = _capture;
        long messages = 0, bytes = 0, parked = 0, parkedBytes = 0;
        int batch = _options.Batch;
        try
        {
            for (int n = 0; n < batch; n++)
            {
                if (_paused || !from.TryReceive(ref _msg, TimeSpan.Zero))
                {
                    break;
                }

                long size = 0;
                bool first = true;
                while (true)
                {
                    bool more = _msg.HasMore;
                    size += _msg.Size;
                    if (capture is not null)
                    {
                        Capture(capture, more);
                    }

                    if (!to.TrySend(ref _msg, first ? TimeSpan.Zero : FrameTimeout, more))
                    {
                        if (!first)
                        {
                            throw new IOException($"{Name}: the {flow.To.Name} refused a later frame of a multipart message");
                        }

                        // The destination is full: park this frame and stop reading the source until it drains.
                        flow.Pending.Move(ref _msg);
                        _msg.InitEmpty();
                        flow.PendingMore = more;
                        flow.PendingSize = size;
                        flow.HasPending = true;
                        parked = 1;
                        parkedBytes = size;
                        UpdateListening(flow);
                        return;
                    }

                    first = false;
                    if (!more)
                    {
                        break;
                    }

                    if (!from.TryReceive(ref _msg, FrameTimeout))
                    {
                        throw new IOException($"{Name}: a multipart message from the {flow.From.Name} ended early");
                    }
                }

                messages++;
                bytes += size;
            }
        }
        finally
        {
            if (messages + parked != 0)
            {
                AddIn(flow.From, messages + parked, bytes + parkedBytes);
                AddOut(flow.To, messages, bytes);
            }
        }
    }

    private static void AddIn(DeviceLeg leg, long messages, long bytes)
    {
        Volatile.Write(ref leg.MessagesIn, leg.MessagesIn + messages);
        Volatile.Write(ref leg.BytesIn, leg.BytesIn + bytes);
    }

    private static void AddOut(DeviceLeg leg, long messages, long bytes)
    {
        Volatile.Write(ref leg.MessagesOut, leg.MessagesOut + messages);
        Volatile.Write(ref leg.BytesOut, leg.BytesOut + bytes);
    }

    // The destination became writable: send the parked frame and the rest of its message.
    private bool ResumePending(DeviceFlow flow)
    {
        System.Diagnostics.Debug.Assert(flow.HasPending && !flow.Listening, "a parked flow does not read its source");
        NetMQSocket to = flow.To.Socket;
        if (!to.TrySend(ref flow.Pending, TimeSpan.Zero, flow.PendingMore))
        {
            return false;
        }

        flow.Pending.InitEmpty();
        long size = flow.PendingSize;
        bool more = flow.PendingMore;
        while (more)
        {
            if (!flow.From.Socket.TryReceive(ref _msg, FrameTimeout))
            {
                throw new IOException($"{Name}: a multipart message from the {flow.From.Name} ended early");
            }

            more = _msg.HasMore;
            size += _msg.Size;
            if (_capture is not null)
            {
                Capture(_capture, more);
            }

            if (!to.TrySend(ref _msg, FrameTimeout, more))
            {
                throw new IOException($"{Name}: the {flow.To.Name} refused a later frame of a multipart message");
            }
        }

        AddOut(flow.To, 1, size);
        flow.HasPending = false;
        return true;
    }

    private void Capture(NetMQSocket capture, bool more)
    {
        _copy.Copy(ref _msg);
        if (!capture.TrySend(ref _copy, TimeSpan.Zero, more))
        {
            _copy.Close();
            _copy.InitEmpty();
            Interlocked.Increment(ref _captureDropped);
        }
    }

    private void StopOnPoller(Exception? error)
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _relay?.Stop();
        if (_down is not null)
        {
            UpdateListening(_down);
        }

        if (_up is not null)
        {
            UpdateListening(_up);
        }

        foreach (NetMQSocket? socket in new[] { _front?.SocketOrNull, _back?.SocketOrNull, _capture, _control })
        {
            if (socket is null)
            {
                continue;
            }

            if (socket == _control)
            {
                socket.ReceiveReady -= OnControl;
            }

            try
            {
                _poller!.Remove(socket);
            }
            catch (ArgumentException)
            {
                // Not in the poller (capture).
            }

            socket.Options.Linger = _options.Linger;
            socket.Dispose();
        }

        foreach (DeviceFlow? flow in new[] { _down, _up })
        {
            if (flow is null)
            {
                continue;
            }

            if (flow.Pending.IsInitialised)
            {
                flow.Pending.Close();
            }

            while (flow.Outbox.TryDequeue(out Message? m))
            {
                m.Release();
            }
        }

        if (_msg.IsInitialised)
        {
            _msg.Close();
        }

        if (_copy.IsInitialised)
        {
            _copy.Close();
        }

        _poller!.StopAsync();
        _ = FinishAsync(error);
    }
}
