using System.Net;
using System.Net.Sockets;

namespace Streams.Transports.ZeroMq.Zmtp;

// Endpoints the device binds: a listener each, polled by the loop; every connection accepted becomes a peer.
internal sealed partial class ZmtpRelay
{
    private string? Listen(IReadOnlyList<ZeroMqEndpoint> endpoints, ZmtpRole role)
    {
        string? last = null;
        foreach (ZeroMqEndpoint endpoint in endpoints.Where(e => e.Bind))
        {
            if (!TryParse(endpoint.Address, out IPEndPoint at))
            {
                throw new IOException($"{_name}: cannot bind {endpoint.Address}: not a TCP address the relay serves");
            }

            var socket = new Socket(at.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // SO_REUSEADDR alone, as libzmq sets it (a restart may bind over TIME_WAIT); .NET's ReuseAddress
                // would add SO_REUSEPORT, letting a second device bind the same port.
                socket.SetRawSocketOption(SolSocket, SoReuseAddress, BitConverter.GetBytes(1));
                socket.Bind(at);
                socket.Listen(Backlog);
                socket.Blocking = false;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                string why = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? "address already in use" : ex.Message;
                throw new IOException($"{_name}: cannot bind {endpoint.Address}: {why}", ex);
            }

            _listeners.Add((socket, role));
            var bound = (IPEndPoint)socket.LocalEndPoint!;
            last = bound.AddressFamily == AddressFamily.InterNetworkV6 ? $"tcp://[{bound.Address}]:{bound.Port}" : $"tcp://{bound.Address}:{bound.Port}";
        }

        return last;
    }

    private void Accept(Socket listener, ZmtpRole role)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = listener.Accept();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
            {
                return;
            }
            catch (SocketException)
            {
                // Out of descriptors, or the connection died before it was taken: stop polling the listeners for a
                // moment rather than spin on one that stays readable (the peers already connected go on).
                _acceptAgainAt = Environment.TickCount64 + AcceptPause;
                return;
            }

            Adopt(socket, role, out _);
        }
    }

    // A connection, accepted or dialled, becomes a peer that is sent our greeting and READY at once.
    private bool Adopt(Socket socket, ZmtpRole role, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ZmtpPeer? peer)
    {
        peer = null;
        try
        {
            socket.Blocking = false;
            socket.NoDelay = true;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            return false;
        }

        peer = new ZmtpPeer(socket, role, _highWatermark);
        string type = TypeOf(role);
        ZmtpWire.WriteGreeting(_handshake);
        ZmtpWire.WriteReady(_handshake.AsSpan(ZmtpWire.GreetingSize), type);
        peer.Append(_handshake.AsSpan(0, ZmtpWire.GreetingSize + ZmtpWire.ReadySize(type)), message: false);
        _peers.Add(peer);
        return true;
    }
}
