using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Streams.Transports.Servers;

/// <summary>A listening tcp or unix socket; accepted sockets become drivers of the socket transport.</summary>
internal sealed class SocketListener : ConnectionListener
{
    private readonly Socket _socket;
    private readonly string? _path;
    private readonly ulong _inode;
    private long _count;
    private int _disposed;

    private SocketListener(Socket socket, string address, string? path, ulong inode)
    {
        _socket = socket;
        Address = address;
        _path = path;
        _inode = inode;
    }

    public override string Address { get; }

    public static SocketListener BindTcp(StreamAddress address, StreamServerOptions options)
    {
        IPAddress ip = ResolveHost(address);
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(ip, address.Port));
            socket.Listen(options.Backlog);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"{address.Text}: cannot listen ({ex.Message})", ex);
        }

        var bound = (IPEndPoint)socket.LocalEndPoint!;
        return new SocketListener(socket, "tcp:" + Format(bound), null, 0);
    }

    public static SocketListener BindUnix(StreamAddress address, StreamServerOptions options)
    {
        string path = Path.GetFullPath(address.Path!);
        RemoveStaleSocket(path, address.Text);
        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxUnixPath)
        {
            throw new IOException($"{address.Text}: cannot listen (the path is {System.Text.Encoding.UTF8.GetByteCount(path)} bytes long; a Unix socket's path holds at most {MaxUnixPath})");
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"{address.Text}: cannot listen ({BindFailure(path, ex)})", ex);
        }

        try
        {
            // Nobody can connect before listen(2): set the mode first, so the socket is never reachable with the
            // umask's looser mode.
            if (options.SocketMode is { } mode && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, mode);
            }

            UnixFiles.GetKind(path, out ulong inode);
            socket.Listen(options.Backlog);
            return new SocketListener(socket, "unix:" + path, path, inode);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            UnixFiles.RemoveIfOurs(path, UnixFileKind.Socket, 0);
            throw new IOException($"{address.Text}: cannot listen ({ex.Message})", ex);
        }
    }

    // sun_path holds 108 bytes with the terminating NUL.
    private const int MaxUnixPath = 107;

    // Why bind(2) failed on a Unix socket path, as strerror says it: .NET reports ENOENT as "Cannot assign requested
    // address" (its SocketError for EADDRNOTAVAIL).
    private static string BindFailure(string path, SocketException ex)
    {
        string? directory = Path.GetDirectoryName(path);
        if (directory is not null && !Directory.Exists(directory))
        {
            return $"No such file or directory: {directory} does not exist";
        }

        return ex.SocketErrorCode switch
        {
            SocketError.AccessDenied => "Permission denied",
            SocketError.AddressAlreadyInUse => "Address already in use",
            _ => ex.Message,
        };
    }

    /// <summary>Removes a socket at <paramref name="path"/> nobody listens on; refuses anything else.</summary>
    internal static void RemoveStaleSocket(string path, string what)
    {
        UnixFileKind kind = UnixFiles.GetKind(path, out _);
        if (kind == UnixFileKind.Missing)
        {
            return;
        }

        if (kind != UnixFileKind.Socket)
        {
            throw new IOException($"{what}: {path} exists and is not a socket (refusing to replace it)");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused)
        {
            // A socket nobody listens on: left behind by a server that died. Replace it.
            File.Delete(path);
            return;
        }
        catch (SocketException ex)
        {
            throw new IOException($"{what}: {path} is a socket that cannot be probed ({ex.Message}); refusing to replace it", ex);
        }

        throw new IOException($"{what}: {path} is in use (a server listens on it)");
    }

    public override async ValueTask<AcceptedConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        Socket socket = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        string name;
        if (_path is null)
        {
            socket.NoDelay = true;
            name = "tcp:" + (socket.RemoteEndPoint is IPEndPoint remote ? Format(remote) : "?");
        }
        else
        {
            name = Address + "#" + Interlocked.Increment(ref _count).ToString(CultureInfo.InvariantCulture);
        }

        // The socket transport's driver: it waits for the send loop to drain before a close disposes the socket.
        return new AcceptedConnection(name, Sockets.SocketTransport.CreateDriver(socket, name));
    }

    public override ValueTask DisposeAsync()
    {
        _socket.Dispose();
        RemoveFiles();
        return default;
    }

    public override void RemoveFiles()
    {
        if (_path is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            UnixFiles.RemoveIfOurs(_path, UnixFileKind.Socket, _inode);
        }
    }

    internal static string Format(IPEndPoint endPoint)
    {
        IPAddress ip = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        string host = ip.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + ip + "]" : ip.ToString();
        return host + ":" + endPoint.Port.ToString(CultureInfo.InvariantCulture);
    }

    private static IPAddress ResolveHost(StreamAddress address)
    {
        string host = address.Host ?? string.Empty;
        if (host.Length == 0 || host == "*")
        {
            return Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
        }

        if (IPAddress.TryParse(host, out IPAddress? ip))
        {
            return ip;
        }

        try
        {
            IPAddress[] all = Dns.GetHostAddresses(host);
            return all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? all.FirstOrDefault()
                ?? throw new IOException($"{address.Text}: the host '{host}' has no address");
        }
        catch (SocketException ex)
        {
            throw new IOException($"{address.Text}: cannot resolve '{host}' ({ex.Message})", ex);
        }
    }
}
