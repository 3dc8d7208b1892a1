using System.Net;
using System.Net.Sockets;

namespace Streams.Benchmarks.Transports;

/// <summary>A plain-socket server on 127.0.0.1 for the transport benchmarks, the same for every client under
/// test. The first byte of a connection picks its mode: <c>S</c> (sink) reads and discards, answering one byte
/// each time another <see cref="SinkAckEvery"/> bytes have arrived; <c>E</c> (echo) writes back whatever it
/// reads.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<Socket> _connections = [];

    /// <summary>Starts listening on an ephemeral port.</summary>
    public LoopbackServer(long sinkAckEvery)
    {
        SinkAckEvery = sinkAckEvery;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _accepting = AcceptAsync();
    }

    /// <summary>Where to connect.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Bytes a sink connection receives between two one-byte acknowledgements.</summary>
    public long SinkAckEvery { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        lock (_connections)
        {
            foreach (Socket s in _connections)
            {
                s.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (Exception)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket = await _listener.AcceptAsync(_stop.Token);
            socket.NoDelay = true;
            lock (_connections)
            {
                _connections.Add(socket);
            }

            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        byte[] buffer = new byte[256 * 1024];
        try
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(0, 1), SocketFlags.None, _stop.Token);
            if (n == 0)
            {
                return;
            }

            bool echo = buffer[0] == (byte)'E';
            long received = 0;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                if (echo)
                {
                    await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
                    continue;
                }

                received += n;
                while (received >= SinkAckEvery)
                {
                    received -= SinkAckEvery;
                    await socket.SendAsync(new byte[] { 1 }, SocketFlags.None, _stop.Token);
                }
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (SocketException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }
}
