using System.Buffers.Binary;
using System.Text;
using NetMQ;

namespace Streams.Transports.ZeroMq.Devices;

// The control socket (poller thread), as libzmq's zmq_proxy_steerable: PAUSE, RESUME, TERMINATE, STATISTICS.
public sealed partial class ZeroMqDevice
{
    private static readonly TimeSpan ControlLinger = TimeSpan.FromMilliseconds(500);

    private void OnControl(object? sender, NetMQSocketEventArgs e)
    {
        ZeroMqDriver.LeavePollerContext();
        NetMQSocket control = e.Socket;
        while (!_stopping && control.TryReceiveFrameBytes(TimeSpan.Zero, out byte[]? frame, out bool more))
        {
            while (more)
            {
                // Only the first frame is the command; the rest of a multipart request is ignored.
                control.TryReceiveFrameBytes(FrameTimeout, out _, out more);
            }

            string command = Encoding.ASCII.GetString(frame);
            switch (command)
            {
                case "PAUSE":
                    SetPaused(true);
                    control.SendFrameEmpty();
                    break;
                case "RESUME":
                    SetPaused(false);
                    control.SendFrameEmpty();
                    break;
                case "TERMINATE":
                    control.SendFrameEmpty();

                    // Let the reply leave before the socket closes; closing never waits for it.
                    control.Options.Linger = ControlLinger;
                    StopOnPoller(null);
                    return;
                case "STATISTICS":
                    ReplyStatistics(control);
                    break;
                default:
                    control.SendFrame("ERROR unknown command");
                    break;
            }
        }
    }

    private void ReplyStatistics(NetMQSocket control)
    {
        ZeroMqDeviceStatistics s = Statistics;
        ReadOnlySpan<long> values =
        [
            s.FrontendMessagesIn, s.FrontendBytesIn, s.FrontendMessagesOut, s.FrontendBytesOut,
            s.BackendMessagesIn, s.BackendBytesIn, s.BackendMessagesOut, s.BackendBytesOut,
        ];
        for (int i = 0; i < values.Length; i++)
        {
            // libzmq sends each counter as a raw uint64 in host order: little-endian on the machines we run on.
            byte[] frame = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(frame, (ulong)values[i]);
            control.SendFrame(frame, more: i < values.Length - 1);
        }
    }
}
