using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Pipelines.Sockets.Unofficial;

namespace Streams.Transports.Sockets;

/// <summary>Stream sockets (<c>tcp:</c> and <c>unix:</c>) as drivers: connects clients and wraps any connected
/// socket in a <see cref="DuplexPipeDriver"/> over a Pipelines.Sockets.Unofficial
/// <see cref="SocketConnection"/>.</summary>
/// <remarks>
/// <para><b>Buffers.</b> Both pipes of the connection use 64 KiB segments, inline schedulers and a 1 MiB pause /
/// 512 KiB resume threshold (<see cref="SendPipeOptions"/>, <see cref="ReceivePipeOptions"/>): the default
/// <see cref="PipeOptions"/> (4 KiB segments, thread-pool hops) are several times slower (MEASURED.md). Memory
/// per connection is bounded by those thresholds plus the stream's water marks.</para>
/// <para><b>Half-close.</b> When the stream's writer finishes, the send pipe is completed; the connection's send
/// loop then sends what is left and shuts the socket down for sending (a FIN); reading goes on until the peer
/// finishes. A reset by the peer is a <see cref="HangupKind.Reset"/> hangup.</para>
/// <para><b>Options</b> (after <c>?</c>): <c>nodelay=0</c> turns TCP_NODELAY off (on by default);
/// <c>timeout=MS</c> bounds the connect (default 30000 ms for tcp).</para>
/// </remarks>
public static class SocketTransport
{
    /// <summary>The options of the pipe our writes go through to the socket.</summary>
    public static PipeOptions SendPipeOptions { get; } = new(
        pool: null,
        readerScheduler: PipeScheduler.ThreadPool,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 1024 * 1024,
        resumeWriterThreshold: 512 * 1024,
        minimumSegmentSize: 64 * 1024,
        useSynchronizationContext: false);

    /// <summary>The options of the pipe the socket's received bytes come through.</summary>
    public static PipeOptions ReceivePipeOptions { get; } = new(
        pool: null,
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 1024 * 1024,
        resumeWriterThreshold: 512 * 1024,
        minimumSegmentSize: 64 * 1024,
        useSynchronizationContext: false);

    /// <summary>The default connect timeout of <c>tcp:</c> (30 s).</summary>
    public static TimeSpan DefaultConnectTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Creates a driver named <paramref name="name"/> over a connected stream socket (TCP or Unix), which
    /// the driver then owns and disposes when the stream stops. For servers: wrap each accepted socket.</summary>
    /// <param name="socket">A connected stream socket.</param>
    /// <param name="name">The driver's name, such as <c>tcp:127.0.0.1:9000</c> or the peer's address.</param>
    /// <param name="options">How the driver moves bytes (null: the defaults).</param>
    public static StreamDriver CreateDriver(Socket socket, string name, DuplexPipeDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(name);
        SocketConnection connection = SocketConnection.Create(socket, SendPipeOptions, ReceivePipeOptions, SocketConnectionOptions.None, name);
        return new DuplexPipeDriver(name, connection, With(options, connection));
    }

    /// <summary>Connects to a <c>tcp:</c> address: resolves the host (names through DNS, IPv4, IPv6 in
    /// brackets) and tries its addresses in order.</summary>
    /// <exception cref="StreamException">The connection failed; the message names the address and says why
    /// (for example <c>tcp:127.0.0.1:1: connection refused</c>).</exception>
    public static async Task<StreamDriver> ConnectTcpAsync(StreamAddress address, DuplexPipeDriverOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != AddressScheme.Tcp)
        {
            throw new ArgumentException($"'{address}' is not a tcp: address", nameof(address));
        }

        if (string.IsNullOrEmpty(address.Host))
        {
            throw new StreamException(address.Text, "needs a host to connect to, such as tcp:127.0.0.1:9000");
        }

        if (address.Port == 0)
        {
            throw new StreamException(address.Text, "needs a port to connect to (0 is only for servers)");
        }

        bool noDelay = address.GetFlag("nodelay", true);
        TimeSpan timeout = ConnectTimeout(address, DefaultConnectTimeout);
        IPAddress[] targets;
        if (IPAddress.TryParse(address.Host, out IPAddress? literal))
        {
            targets = [literal];
        }
        else
        {
            try
            {
                targets = await Dns.GetHostAddressesAsync(address.Host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new StreamException(address.Text, $"cannot resolve host '{address.Host}' ({Describe(ex)})", ex);
            }

            if (targets.Length == 0)
            {
                throw new StreamException(address.Text, $"cannot resolve host '{address.Host}'");
            }
        }

        Exception? last = null;
        foreach (IPAddress ip in targets)
        {
            var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.NoDelay = noDelay;
                await ConnectAsync(socket, new IPEndPoint(ip, address.Port), timeout, cancellationToken).ConfigureAwait(false);
                return CreateDriver(socket, address.Text, options);
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new StreamException(address.Text, Describe(last!), last);
    }

    /// <summary>Connects to a <c>unix:</c> address (a Unix domain stream socket at the path).</summary>
    /// <exception cref="StreamException">The connection failed; the message names the address and says why
    /// (for example <c>unix:/tmp/s: no such file or directory</c>).</exception>
    public static async Task<StreamDriver> ConnectUnixAsync(StreamAddress address, DuplexPipeDriverOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != AddressScheme.Unix)
        {
            throw new ArgumentException($"'{address}' is not a unix: address", nameof(address));
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await ConnectAsync(socket, new UnixDomainSocketEndPoint(address.Path!), ConnectTimeout(address, DefaultConnectTimeout), cancellationToken).ConfigureAwait(false);
            return CreateDriver(socket, address.Text, options);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            socket.Dispose();

            // .NET reports a missing socket file (ENOENT) as "address not available".
            string why = ex is SocketException && !File.Exists(address.Path!) ? "no such file or directory" : Describe(ex);
            throw new StreamException(address.Text, why, ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The <c>timeout=MS</c> option of an address, or <paramref name="fallback"/>.</summary>
    internal static TimeSpan ConnectTimeout(StreamAddress address, TimeSpan fallback)
    {
        int ms;
        try
        {
            ms = address.GetInt32("timeout", -1);
        }
        catch (FormatException ex)
        {
            throw new StreamException(address.Text, ex.Message, ex);
        }

        return ms < 0 ? fallback : TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>A socket error in the words of <c>strerror</c>, lower case: "connection refused".</summary>
    internal static string Describe(Exception ex) => ex switch
    {
        TimeoutException => "connection timed out",
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.TimedOut } => "connection timed out",
        SocketException { SocketErrorCode: SocketError.HostNotFound } => "host not found",
        SocketException { SocketErrorCode: SocketError.HostUnreachable } => "no route to host",
        SocketException { SocketErrorCode: SocketError.NetworkUnreachable } => "network is unreachable",
        SocketException { SocketErrorCode: SocketError.AddressNotAvailable } => "cannot assign requested address",
        SocketException { SocketErrorCode: SocketError.AccessDenied } => "permission denied",
        SocketException { SocketErrorCode: SocketError.AddressFamilyNotSupported } => "address family not supported",
        SocketException { ErrorCode: 2 } => "no such file or directory",
        _ => LowerFirst(ex.Message),
    };

    private static string LowerFirst(string text) => text.Length > 1 && char.IsUpper(text[0]) && char.IsLower(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;

    private static async Task ConnectAsync(Socket socket, EndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endPoint, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
    }

    // Completing the send pipe only hands the rest to the connection's send loop, which then sends it and shuts
    // the socket down for sending; it offers no completion to await. Until the pipe is empty, the stream must not
    // call its writes completed: a close that followed would dispose the socket under the send loop and lose the
    // tail. So poll the pipe's length, briefly (bounded, and only at a half-close or a close).
    private static async Task SentAsync(SocketConnection connection)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int delay = 1;
        while (clock.Elapsed < SendDrainLimit)
        {
            SocketConnection.Counters counters = connection.GetCounters();
            if (counters.BytesWaitingToBeSent <= 0 || connection.ShutdownKind is PipeShutdownKind.WriteEndOfStream or PipeShutdownKind.WriteSocketError or PipeShutdownKind.WriteIOException or PipeShutdownKind.WriteException or PipeShutdownKind.WriteDisposed)
            {
                return;
            }

            await Task.Delay(delay).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 50);
        }
    }

    private static readonly TimeSpan SendDrainLimit = TimeSpan.FromSeconds(30);

    private static DuplexPipeDriverOptions With(DuplexPipeDriverOptions? options, SocketConnection connection)
    {
        options ??= DuplexPipeDriverOptions.Default;
        Func<bool, ValueTask>? stopped = options.Stopped;
        Func<ValueTask>? writesCompleted = options.WritesCompleted;
        return options with
        {
            WritesCompleted = async () =>
            {
                await SentAsync(connection).ConfigureAwait(false);
                if (writesCompleted is not null)
                {
                    await writesCompleted().ConfigureAwait(false);
                }
            },
            Stopped = async abort =>
            {
                connection.Dispose();
                if (stopped is not null)
                {
                    await stopped(abort).ConfigureAwait(false);
                }
            },
        };
    }
}
