using System.IO.Pipes;
using System.Net.Sockets;
using Streams.Transports.Files;

namespace Streams.Transports.Sockets;

/// <summary>The <c>pipe:NAME</c> client: a .NET named pipe (<see cref="NamedPipeClientStream"/>), which on
/// Unix is a Unix domain socket in the temporary directory (<c>/tmp/CoreFxPipe_NAME</c>) and on Windows a
/// Windows named pipe.</summary>
/// <remarks>
/// Options: <c>timeout=MS</c> bounds the wait for a server (default 5000 ms; .NET's client retries until a
/// server listens). A downward hangup shuts the connection down for sending on Unix (the server reads its end of
/// file) and reading goes on; on Windows a named pipe cannot half-close, so the hangup only stops the writes.
/// </remarks>
public static class NamedPipeTransport
{
    /// <summary>The default wait for a server (5 s).</summary>
    public static TimeSpan DefaultConnectTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Connects to the named pipe of a <c>pipe:</c> address.</summary>
    /// <exception cref="StreamException">No server answered in time; names the address.</exception>
    public static async Task<StreamDriver> ConnectAsync(StreamAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != AddressScheme.Pipe)
        {
            throw new ArgumentException($"'{address}' is not a pipe: address", nameof(address));
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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SocketException)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new StreamException(address.Text, SocketTransport.Describe(ex), ex);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return StreamPipes.CreateDriver(client, client, address.Text, new DuplexPipeDriverOptions
        {
            WritesCompleted = () =>
            {
                ShutdownSend(client);
                return default;
            },
        });
    }

    // On Unix the pipe is a socket: shut down its sending half through a non-owning Socket over the handle.
    private static void ShutdownSend(NamedPipeClientStream client)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using var socket = new Socket(new SafeSocketHandle(client.SafePipeHandle.DangerousGetHandle(), ownsHandle: false));
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The far end is gone already: its end reaches the stream from the read side.
        }
    }
}
