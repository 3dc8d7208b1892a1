using NetMQ;
using Streams.Transports.ZeroMq.Internal;

namespace Streams.Transports.ZeroMq.Devices;

// The slow path, for legs with modules (poller thread): each message becomes a stream message (body + envelope)
// and crosses the legs' in-memory streams.
public sealed partial class ZeroMqDevice
{
    private readonly List<byte[]> _frames = [];

    private void SetUpLegModules()
    {
        if (_options.FrontendModule is { } front)
        {
            _front!.Modules = new DeviceLegStream("frontend", front(), _options.Pool, DrainLegs);
        }

        if (_options.BackendModule is { } back)
        {
            _back!.Modules = new DeviceLegStream("backend", back(), _options.Pool, DrainLegs);
        }
    }

    // A leg module produced output on another thread: the engine's thread sends it.
    private void DrainLegs()
    {
        if (_relay is { } relay)
        {
            relay.Poke();
        }
        else
        {
            Post(DeviceCommand.DrainLegs);
        }
    }

    private async ValueTask DisposeLegModulesAsync()
    {
        foreach (DeviceLeg? leg in new[] { _front, _back })
        {
            if (leg?.Modules is { } modules)
            {
                await modules.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    private void ForwardThroughModules(DeviceFlow flow)
    {
        NetMQSocket from = flow.From.Socket;
        NetMQSocket? capture = _capture;
        flow.From.Modules?.SetOwner(Thread.CurrentThread);
        flow.To.Modules?.SetOwner(Thread.CurrentThread);
        MessagePool pool = _options.Pool;
        for (int n = 0; n < _options.Batch; n++)
        {
            if (_paused || !from.TryReceive(ref _msg, TimeSpan.Zero))
            {
                break;
            }

            _frames.Clear();
            long size = _msg.Size;
            while (_msg.HasMore)
            {
                if (capture is not null)
                {
                    Capture(capture, more: true);
                }

                _frames.Add(_msg.ToArray());
                if (!from.TryReceive(ref _msg, FrameTimeout))
                {
                    throw new IOException($"{Name}: a multipart message from the {flow.From.Name} ended early");
                }

                size += _msg.Size;
            }

            if (capture is not null)
            {
                Capture(capture, more: false);
            }

            Message message = pool.Rent(_msg.Size, _frames.Count == 0 ? MessageKind.Data : MessageKind.Proto);
            if (_frames.Count != 0)
            {
                message.Protocol = ZeroMqEnvelope.Wrap([.. _frames]);
            }

            _msg.Slice().CopyTo(message.WritableSpan);
            AddIn(flow.From, 1, size);
            if (flow.From.Modules is { } up)
            {
                up.PutUp(message);
                while (up.TryReadUp(out Message? m))
                {
                    Pass(flow, m!);
                }
            }
            else
            {
                Pass(flow, message);
            }

            if (!SendOutbox(flow))
            {
                return;
            }
        }
    }

    private static void Pass(DeviceFlow flow, Message message)
    {
        if (message.Kind is not (MessageKind.Data or MessageKind.Proto))
        {
            message.Release();
        }
        else if (flow.To.Modules is { } down)
        {
            down.WriteDown(message);
        }
        else
        {
            flow.Outbox.Enqueue(message);
        }
    }

    // Sends what waits for the flow's destination; false when the destination is full (the flow is parked).
    private bool SendOutbox(DeviceFlow flow)
    {
        if (flow.To.Modules is { } down)
        {
            while (down.Out.TryDequeue(out Message? m))
            {
                flow.Outbox.Enqueue(m);
            }
        }

        while (flow.Outbox.TryPeek(out Message? m))
        {
            if (!TrySendStreamMessage(flow.To, m))
            {
                UpdateListening(flow);
                return false;
            }

            flow.Outbox.TryDequeue(out _);
            m.Release();
        }

        UpdateListening(flow);
        return true;
    }

    private bool TrySendStreamMessage(DeviceLeg leg, Message m)
    {
        NetMQSocket socket = leg.Socket;
        ZeroMqEnvelope? envelope = m.Kind == MessageKind.Proto ? m.Protocol as ZeroMqEnvelope : null;
        int frames = envelope?.Count ?? 0;
        long size = m.Length;
        for (int i = 0; i < frames; i++)
        {
            byte[] frame = envelope!.RawFrame(i);
            size += frame.Length;
            _copy.InitPool(frame.Length);
            frame.CopyTo(_copy.Slice());
            if (!socket.TrySend(ref _copy, i == 0 ? TimeSpan.Zero : FrameTimeout, more: true))
            {
                _copy.Close();
                _copy.InitEmpty();
                return i == 0 ? false : throw new IOException($"{Name}: the {leg.Name} refused a later frame of a multipart message");
            }
        }

        _copy.InitPool(m.Length);
        m.Span.CopyTo(_copy.Slice());
        if (!socket.TrySend(ref _copy, frames == 0 ? TimeSpan.Zero : FrameTimeout, more: false))
        {
            _copy.Close();
            _copy.InitEmpty();
            return frames == 0 ? false : throw new IOException($"{Name}: the {leg.Name} refused the last frame of a multipart message");
        }

        AddOut(leg, 1, size);
        return true;
    }
}
