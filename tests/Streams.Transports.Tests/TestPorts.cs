using System.Net;
using System.Net.Sockets;

namespace Streams.Transports.Tests;

/// <summary>Free TCP ports for tests that must name a port before binding it.</summary>
internal static class TestPorts
{
    private const int FirstFixedPort = 20000;
    private static readonly int EphemeralLow = ReadEphemeralLow();
    private static int s_next = Random.Shared.Next(0, 100_000);

    /// <summary>A TCP port free on <paramref name="address"/>, below the kernel's ephemeral range.</summary>
    /// <remarks>The port is released before the caller binds it, so it must not be one the kernel hands out to
    /// outgoing connections (libzmq's reconnects make many): a port from port 0 was sometimes taken by one
    /// meanwhile ("address already in use"). Ports are handed out in turn from a random start, so the tests of one
    /// process never get the same one.</remarks>
    public static int Free(IPAddress address)
    {
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            int port = FirstFixedPort + (int)((uint)Interlocked.Increment(ref s_next) % (uint)(EphemeralLow - FirstFixedPort));
            try
            {
                var listener = new TcpListener(address, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken: the next one.
            }
        }

        throw new InvalidOperationException("no free TCP port below the ephemeral range");
    }

    // The low end of net.ipv4.ip_local_port_range (32768 by default).
    private static int ReadEphemeralLow()
    {
        try
        {
            string[] range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out int low) && low > FirstFixedPort + 1000 ? low : 32768;
        }
        catch (IOException)
        {
            return 32768;
        }
    }
}
