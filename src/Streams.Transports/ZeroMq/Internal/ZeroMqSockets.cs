using NetMQ;
using NetMQ.Sockets;

namespace Streams.Transports.ZeroMq.Internal;

/// <summary>Creates, configures and attaches NetMQ sockets (shared by the driver and the devices).</summary>
internal static class ZeroMqSockets
{
    public static NetMQSocket Create(ZeroMqSocketType type) => type switch
    {
        ZeroMqSocketType.Pair => new PairSocket(),
        ZeroMqSocketType.Dealer => new DealerSocket(),
        ZeroMqSocketType.Router => new RouterSocket(),
        ZeroMqSocketType.Push => new PushSocket(),
        ZeroMqSocketType.Pull => new PullSocket(),
        ZeroMqSocketType.Pub => new PublisherSocket(),
        ZeroMqSocketType.Sub => new SubscriberSocket(),
        ZeroMqSocketType.XPub => new XPublisherSocket(),
        ZeroMqSocketType.XSub => new XSubscriberSocket(),
        ZeroMqSocketType.Req => new RequestSocket(),
        ZeroMqSocketType.Rep => new ResponseSocket(),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    // NetMQ's exceptions often carry only "Exception of type … was thrown"; the socket error inside says more.
    private static string Why(Exception ex) => ex switch
    {
        AddressAlreadyInUseException => "address already in use",
        EndpointNotFoundException => "no such endpoint",
        _ when ex.Message.StartsWith("Exception of type", StringComparison.Ordinal) && ex.InnerException is { } inner => inner.Message,
        _ => ex.Message,
    };

    public static bool CanReceive(ZeroMqSocketType type) => type is not (ZeroMqSocketType.Push or ZeroMqSocketType.Pub);

    public static bool CanSend(ZeroMqSocketType type) => type is not (ZeroMqSocketType.Pull or ZeroMqSocketType.Sub);

    /// <summary>Binds or connects every endpoint; on failure the socket is disposed and the error names the
    /// endpoint.</summary>
    public static void Attach(NetMQSocket socket, IEnumerable<ZeroMqEndpoint> endpoints, string owner)
    {
        foreach (ZeroMqEndpoint endpoint in endpoints)
        {
            try
            {
                if (endpoint.Bind)
                {
                    socket.Bind(endpoint.Address);
                }
                else
                {
                    socket.Connect(endpoint.Address);
                }
            }
            catch (Exception ex) when (ex is NetMQException or ArgumentException or System.Net.Sockets.SocketException)
            {
                socket.Options.Linger = TimeSpan.Zero;
                socket.Dispose();
                throw new IOException($"{owner}: cannot {(endpoint.Bind ? "bind" : "connect")} {endpoint.Address}: {Why(ex)}", ex);
            }
        }
    }
}
