using System.IO.Pipelines;
using System.Net.Sockets;
using Streams.Transports.Files;
using Streams.Transports.Memory;
using Streams.Transports.Processes;
using Streams.Transports.Sockets;
using Streams.Transports.ZeroMq;

namespace Streams.Transports;

/// <summary>Opens streams on addresses: the one entry point from an address (<c>tcp:127.0.0.1:9000</c>,
/// <c>unix:/run/app.sock</c>, <c>exec:cat</c> …) to a driver or a <see cref="StreamHead"/>.</summary>
/// <remarks>
/// <para>Every address of <see cref="StreamAddress"/> is served: clients connect (<c>tcp:</c>, <c>unix:</c>,
/// <c>pipe:</c>), files and FIFOs are opened, <c>exec:</c> starts its child, <c>mem:</c> finds its listener,
/// <c>zmq:</c> opens a NetMQ socket. Each driver is described in <c>docs/transports.md</c>.</para>
/// <para>Failures to connect or open are a <see cref="StreamException"/> whose <see cref="StreamException.Component"/>
/// is the address and whose message says why, as <c>tcp:127.0.0.1:1: connection refused</c>; a malformed
/// address is a <see cref="FormatException"/> naming the bad part.</para>
/// <para>Thread-safety: every member is safe to call concurrently.</para>
/// </remarks>
public static class Transport
{
    /// <summary>Connects or opens <paramref name="address"/> and opens a stream over it.</summary>
    /// <param name="address">The address, such as <c>tcp:127.0.0.1:9000</c>.</param>
    /// <param name="options">The stream's options (null: the defaults).</param>
    /// <param name="cancellationToken">Cancels connecting or opening.</param>
    /// <returns>The stream; the caller closes it.</returns>
    /// <exception cref="FormatException">The address is malformed.</exception>
    /// <exception cref="StreamException">The transport could not be reached; names the address.</exception>
    public static Task<StreamHead> OpenAsync(string address, StreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        return OpenAsync(StreamAddress.Parse(address), options, cancellationToken);
    }

    /// <summary>Connects or opens <paramref name="address"/> and opens a stream over it.</summary>
    /// <param name="address">The parsed address.</param>
    /// <param name="options">The stream's options (null: the defaults).</param>
    /// <param name="cancellationToken">Cancels connecting or opening.</param>
    /// <returns>The stream; the caller closes it.</returns>
    /// <exception cref="StreamException">The transport could not be reached; names the address.</exception>
    public static async Task<StreamHead> OpenAsync(StreamAddress address, StreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme == AddressScheme.Mem)
        {
            // A mem: stream is one end of a cross-connected pipe, not a driver.
            return MemoryTransport.Connect(address, options);
        }

        StreamDriver driver = await CreateDriverAsync(address, options, cancellationToken).ConfigureAwait(false);
        return StreamHead.Open(driver, options);
    }

    /// <summary>Connects or opens <paramref name="address"/> and returns its driver, ready for
    /// <see cref="StreamHead.Open(StreamDriver, StreamOptions?)"/>.</summary>
    /// <param name="address">The parsed address; every scheme but <c>mem:</c> (whose streams are the ends of a
    /// cross-connected pipe: use <see cref="OpenAsync(StreamAddress, StreamOptions?, CancellationToken)"/>).</param>
    /// <param name="options">The stream's options (null: the defaults).</param>
    /// <param name="cancellationToken">Cancels connecting or opening.</param>
    /// <exception cref="StreamException">The transport could not be reached; names the address.</exception>
    /// <exception cref="NotSupportedException">A <c>mem:</c> address.</exception>
    public static async Task<StreamDriver> CreateDriverAsync(StreamAddress address, StreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Scheme switch
        {
            AddressScheme.Tcp => await SocketTransport.ConnectTcpAsync(address, null, cancellationToken).ConfigureAwait(false),
            AddressScheme.Unix => await SocketTransport.ConnectUnixAsync(address, null, cancellationToken).ConfigureAwait(false),
            AddressScheme.Pipe => await NamedPipeTransport.ConnectAsync(address, cancellationToken).ConfigureAwait(false),
            AddressScheme.Stdio or AddressScheme.Fd or AddressScheme.File or AddressScheme.Fifo => await FileTransport.OpenAsync(address, cancellationToken).ConfigureAwait(false),
            AddressScheme.Exec => ExecTransport.CreateDriver(address.Path!, name: address.Text),
            AddressScheme.ZeroMq => ZeroMqTransport.CreateDriver(address.Text, options),
            _ => throw new NotSupportedException($"{address.Text}: a mem: stream is one end of an in-process pipe; open it with Transport.OpenAsync"),
        };
    }

    /// <summary>Connects or opens <paramref name="address"/> and returns its driver, blocking until it is
    /// connected; prefer <see cref="CreateDriverAsync"/>.</summary>
    /// <exception cref="StreamException">The transport could not be reached; names the address.</exception>
    /// <exception cref="NotSupportedException">A <c>mem:</c> address.</exception>
    public static StreamDriver CreateDriver(StreamAddress address, StreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        return CreateDriverAsync(address, options).GetAwaiter().GetResult();
    }

    /// <summary>Creates a driver named <paramref name="name"/> over any duplex pipe, which the driver then owns
    /// (see <see cref="DuplexPipeDriver"/>).</summary>
    public static StreamDriver CreateDriver(IDuplexPipe pipe, string name, DuplexPipeDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(name);
        return new DuplexPipeDriver(name, pipe, options);
    }

    /// <summary>Creates a driver named <paramref name="name"/> over a connected stream socket (TCP or Unix; for
    /// example one a server accepted), which the driver then owns; see <see cref="SocketTransport"/>.</summary>
    public static StreamDriver CreateDriver(Socket socket, string name, DuplexPipeDriverOptions? options = null)
        => SocketTransport.CreateDriver(socket, name, options);

    /// <summary>Creates a driver named <paramref name="name"/> over a pair of byte streams (either may be the
    /// same duplex stream): <paramref name="input"/> is read, <paramref name="output"/> written; the driver owns
    /// both and disposes them when the stream stops. A null stream means that direction is absent.</summary>
    public static StreamDriver CreateDriver(System.IO.Stream? input, System.IO.Stream? output, string name, DuplexPipeDriverOptions? options = null)
        => StreamPipes.CreateDriver(input, output, name, options);
}
