using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Streams.Transports.ZeroMq.Zmtp;

// Endpoints the device connects to (">tcp://…"): a connection is made on the thread pool, handed to the relay's
// thread, and made again ReconnectInterval after it fails or ends, as libzmq reconnects.
internal sealed partial class ZmtpRelay
{
    private static readonly TimeSpan ReconnectInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private readonly List<Dialer> _dialers = [];
    private readonly ConcurrentQueue<(Dialer Dialer, Socket Socket)> _dialed = new();
    private volatile bool _closed;

    // Registers the connect endpoints of a leg; they are dialled once the thread runs.
    private string? Dial(IReadOnlyList<ZeroMqEndpoint> endpoints, ZmtpRole role)
    {
        string? last = null;
        foreach (ZeroMqEndpoint endpoint in endpoints.Where(e => !e.Bind))
        {
            if (!TryParse(endpoint.Address, out IPEndPoint at) || at.Port == 0 || at.Address.Equals(IPAddress.Any))
            {
                throw new IOException($"{_name}: cannot connect {endpoint.Address}: not a TCP address the relay serves");
            }

            _dialers.Add(new Dialer(at, role));
            last = endpoint.Address;
        }

        return last;
    }

    private void StartDialing()
    {
        foreach (Dialer dialer in _dialers)
        {
            _ = DialAsync(dialer, TimeSpan.Zero);
        }
    }

    private async Task DialAsync(Dialer dialer, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay).ConfigureAwait(false);
        }

        while (!_stopping)
        {
            var socket = new Socket(dialer.At.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(dialer.At).WaitAsync(ConnectTimeout).ConfigureAwait(false);
                _dialed.Enqueue((dialer, socket));
                Wake();
                if (_closed)
                {
                    DisposeDialed();
                }

                return;
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException or ObjectDisposedException)
            {
                socket.Dispose();
            }

            await Task.Delay(ReconnectInterval).ConfigureAwait(false);
        }
    }

    // The relay's thread: connections made since the last turn become peers.
    private void TakeDialed()
    {
        while (_dialed.TryDequeue(out (Dialer Dialer, Socket Socket) made))
        {
            if (!Adopt(made.Socket, made.Dialer.Role, out ZmtpPeer? peer))
            {
                _ = DialAsync(made.Dialer, ReconnectInterval);
                continue;
            }

            made.Dialer.Peer = peer;
        }
    }

    // The relay's thread: a dialled connection that ended is made again.
    private void Redial()
    {
        foreach (Dialer dialer in _dialers)
        {
            if (dialer.Peer is { State: ZmtpPeer.Phase.Closed })
            {
                dialer.Peer = null;
                _ = DialAsync(dialer, ReconnectInterval);
            }
        }
    }

    private void DisposeDialed()
    {
        while (_dialed.TryDequeue(out (Dialer Dialer, Socket Socket) made))
        {
            made.Socket.Dispose();
        }
    }

    private sealed class Dialer(IPEndPoint at, ZmtpRole role)
    {
        public IPEndPoint At { get; } = at;

        public ZmtpRole Role { get; } = role;

        /// <summary>The connection made, while it lasts (relay's thread only).</summary>
        public ZmtpPeer? Peer { get; set; }
    }
}
