using System.IO.Pipes;
using System.Net.Sockets;
using Streams.Transports.Files;

namespace Streams.Transports.Sockets;

/// <summary>The <c>pipe:NAME</c> client: a .NET named pipe, as served by <see cref="NamedPipeServerStream"/>.</summary>
/// <remarks>
/// <para>On Unix a .NET named pipe is a Unix domain socket at <c>$TMPDIR/CoreFxPipe_NAME</c> (or at NAME itself
/// when it is an absolute path); the driver connects that socket directly, as a <c>unix:</c> stream, because
/// <see cref="NamedPipeClientStream"/> cannot half-close: a downward hangup then shuts the socket down for
/// sending (the server reads its end of file) and reading goes on. On Windows the driver uses
/// <see cref="NamedPipeClientStream"/>, where a hangup only stops the writes.</para>
/// <para>Options: <c>timeout=MS</c> bounds the wait for a server on Windows (default 5000 ms); on Unix a
/// missing server is refused at once.</para>
/// </remarks>
public static class NamedPipeTransport
{
    /// <summary>The default wait for a server on Windows (5 s).</summary>
    public static TimeSpan DefaultConnectTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>The path of the Unix socket behind the .NET named pipe <paramref name="name"/>.</summary>
    public static string SocketPath(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Path.IsPathRooted(name) ? name : Path.GetFullPath(Path.Combine(Path.GetTempPath(), "CoreFxPipe_" + name));
    }

    /// <summary>Connects to the named pipe of a <c>pipe:</c> address.</summary>
    /// <exception cref="StreamException">No server answered; names the address.</exception>
    public static async Task<StreamDriver> ConnectAsync(StreamAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != AddressScheme.Pipe)
        {
            throw new ArgumentException($"'{address}' is not a pipe: address", nameof(address));
        }

        if (!OperatingSystem.IsWindows())
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath(address.Path!)), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                throw new StreamException(address.Text, $"no server ({SocketTransport.Describe(ex)})", ex);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            return SocketTransport.CreateDriver(socket, address.Text);
        }

        TimeSpan timeout = SocketTransport.ConnectTimeout(address, DefaultConnectTimeout);
        var client = new NamedPipeClientStream(".", address.Path!, PipeDirection.InOut, PipeOptions.Asynchronous);
        try
        {
            await client.ConnectAsync((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new StreamException(address.Text, $"no server answered within {timeout.TotalMilliseconds:0} ms", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new StreamException(address.Text, ex.Message, ex);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return StreamPipes.CreateDriver(client, client, address.Text);
    }
}
