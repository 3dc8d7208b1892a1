using System.Net.Sockets;
using System.Threading.Channels;

namespace Streams.Modules.Tests.Tls;

/// <summary>A test-only driver over a connected TCP socket, for interop with real peers until the transports
/// library has its TCP driver. Named <c>tcp:HOST:PORT</c> after the remote end.</summary>
/// <remarks>Messages written down are copied and released inside the serial context, then sent by one task in
/// order; a downward hangup shuts the socket's sending side. A receive loop puts what arrives up, waiting while the
/// stream has no room, and a hangup at the end.</remarks>
public sealed class SocketTestDriver : StreamDriver
{
    private readonly Socket _socket;
    private readonly Channel<byte[]?> _send = Channel.CreateUnbounded<byte[]?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _begin = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DriverContext? _context;
    private Task _sender = Task.CompletedTask;
    private Task _receiver = Task.CompletedTask;

    public SocketTestDriver(Socket socket, string? name = null)
    {
        _socket = socket;
        Name = name ?? $"tcp:{socket.RemoteEndPoint}";
    }

    public override string Name { get; }

    /// <summary>Starts reading the socket. A server pushes its modules first, so that the first bytes the peer
    /// sends (a ClientHello) do not pass up before the module that must read them is there.</summary>
    public void BeginReceiving() => _begin.TrySetResult();

    protected override void Start(DriverContext context)
    {
        _context = context;
        _sender = Task.Run(SendAsync);
        _receiver = Task.Run(ReceiveAsync);
    }

    protected override void OnWrite(StreamQueue queue, Message message)
    {
        if (HandleDefault(queue, message))
        {
            return;
        }

        _send.Writer.TryWrite(message.Kind == MessageKind.Hangup ? null : message.Span.ToArray());
        message.Release();
    }

    protected override async ValueTask StopAsync(bool abort)
    {
        _send.Writer.TryComplete();
        if (abort)
        {
            await _stop.CancelAsync();
        }

        try
        {
            await _sender.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // Closing: a failed send changes nothing now.
        }

        _socket.Dispose();
        await _stop.CancelAsync();
        try
        {
            await _receiver.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
        }
    }

    private async Task SendAsync()
    {
        try
        {
            await foreach (byte[]? data in _send.Reader.ReadAllAsync(_stop.Token))
            {
                if (data is null)
                {
                    _socket.Shutdown(SocketShutdown.Send);
                    _context!.WritesCompleted();
                    return;
                }

                await _socket.SendAsync(data, SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
            {
                _context!.Fail(ex);
            }
        }
    }

    private async Task ReceiveAsync()
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            await _begin.Task.WaitAsync(_stop.Token);
            while (true)
            {
                await _context!.WaitForCapacityAsync(_stop.Token);
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    _context.PutUp(_context.Pool.Hangup(HangupKind.PeerClosed));
                    return;
                }

                _context.PutUp(_context.Pool.Data(buffer.AsSpan(0, n)));
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
            {
                _context!.PutUp(_context.Pool.Hangup(HangupKind.Reset));
            }
        }
    }
}
