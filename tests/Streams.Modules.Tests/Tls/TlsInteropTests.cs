using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Streams.Modules.Tls;
using Streams.Testing;

namespace Streams.Modules.Tests.Tls;

/// <summary>Interop with a real peer nobody here wrote: <c>openssl s_server</c> and <c>openssl s_client</c>
/// (Debian's openssl), over loopback TCP on ephemeral ports, through a test-only socket driver.</summary>
public sealed partial class TlsInteropTests
{
    private static TlsTestCertificates.Files Files => TlsTestCertificates.Paths;

    [Fact]
    public async Task OpenSslServer_OurClient_DataBothWaysAndCloseNotify()
    {
        await using OpenSslProcess server = OpenSslProcess.Start(
            "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-cert", Files.ServerCert, "-key", Files.ServerKey, "-alpn", "streams/1,http/1.1");
        int port = int.Parse(AcceptPort().Match(await server.WaitForOutputAsync(o => AcceptPort().IsMatch(o), "ACCEPT line")).Groups[1].Value);

        var pool = new MessagePool();
        StreamHead client = await ConnectAsync(port, pool);
        try
        {
            // No --name: the host of the tcp:127.0.0.1:PORT driver is checked against the certificate's IP SAN.
            await client.PushAsync(new TlsModule(new TlsOptions { TrustPath = Files.Ca, ApplicationProtocols = ["http/1.1"] }));
            TlsInfo info = await TlsPair.InfoAsync(client);
            Assert.Equal("http/1.1", info.ApplicationProtocol);
            Assert.Equal("127.0.0.1", info.ServerName);

            await client.WriteAsync("hello from streams\n");
            await server.WaitForOutputAsync(o => o.Contains("hello from streams\n", StringComparison.Ordinal), "our line");
            await server.SendAsync("hello from openssl\n");
            Assert.Equal("hello from openssl\n", Encoding.ASCII.GetString(await TlsPair.ReadBytesAsync(client, 19)));

            // Our close_notify: s_server says DONE (a clean TLS close), not "unexpected eof".
            await client.CompleteWritesAsync();
            string output = await server.WaitForOutputAsync(o => o.Contains("DONE", StringComparison.Ordinal) || o.Contains("ERROR", StringComparison.Ordinal), "the end of the connection");
            Assert.Contains("DONE", output, StringComparison.Ordinal);
            Assert.DoesNotContain("unexpected eof", output, StringComparison.Ordinal);
            await TlsPair.ReadToEndAsync(client);
            Assert.Equal(HangupKind.PeerClosed, client.EndReason);
        }
        finally
        {
            await client.AbortAsync();
            await client.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task OpenSslServer_OurClientWithWrongName_RefusesTheCertificate()
    {
        await using OpenSslProcess server = OpenSslProcess.Start(
            "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-cert", Files.ServerCert, "-key", Files.ServerKey);
        int port = int.Parse(AcceptPort().Match(await server.WaitForOutputAsync(o => AcceptPort().IsMatch(o), "ACCEPT line")).Groups[1].Value);
        var pool = new MessagePool();
        StreamHead client = await ConnectAsync(port, pool);
        try
        {
            await client.PushAsync(new TlsModule(new TlsOptions { TrustPath = Files.Ca, ServerName = "wrong.example" }));
            StreamException ex = await TlsPair.FailureAsync(client);
            Assert.StartsWith("tls: handshake failed: ", ex.Message, StringComparison.Ordinal);
            Assert.Contains("'wrong.example'", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            await client.AbortAsync();
            await client.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task OpenSslClient_OurServer_VerifiesBothCertificatesAndAlpn()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using OpenSslProcess client = OpenSslProcess.Start(
            "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-verify_hostname", "localhost",
            "-CAfile", Files.Ca, "-verify_return_error", "-cert", Files.ClientCert, "-key", Files.ClientKey,
            "-alpn", "h2,http/1.1", "-quiet", "-no_ign_eof");

        var pool = new MessagePool();
        using Socket socket = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var driver = new SocketTestDriver(socket);
        StreamHead server = StreamHead.Open(driver, new StreamOptions { Pool = pool });
        try
        {
            await server.PushAsync(new TlsModule(TlsPair.ServerOptions with
            {
                ClientCertificate = TlsClientCertificateMode.Required,
                TrustPath = Files.Ca,
                ApplicationProtocols = ["http/1.1"],
            }));
            driver.BeginReceiving();
            TlsInfo info = await TlsPair.InfoAsync(server);
            Assert.Equal("http/1.1", info.ApplicationProtocol);
            Assert.Equal("CN=streams-test-client", info.PeerCertificate);
            Assert.Equal("localhost", info.ServerName);

            await client.SendAsync("ping\n");
            Assert.Equal("ping\n", Encoding.ASCII.GetString(await TlsPair.ReadBytesAsync(server, 5)));
            await server.WriteAsync("pong\n");
            await client.WaitForOutputAsync(o => o.Contains("pong\n", StringComparison.Ordinal), "our answer");

            // The end of s_client's stdin: it sends close_notify and leaves; our reads end normally.
            client.CloseInput();
            await TlsPair.ReadToEndAsync(server);
            Assert.Equal(HangupKind.PeerClosed, server.EndReason);
            await client.WaitForExitAsync();
            Assert.Equal(0, client.Process.ExitCode);
        }
        finally
        {
            await server.AbortAsync();
            await server.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    [Fact]
    public async Task OpenSslClient_WithoutCertificate_OurServerRefusesWithCleanError()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using OpenSslProcess client = OpenSslProcess.Start(
            "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-CAfile", Files.Ca, "-verify_return_error", "-quiet");

        var pool = new MessagePool();
        using Socket socket = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var driver = new SocketTestDriver(socket);
        StreamHead server = StreamHead.Open(driver, new StreamOptions { Pool = pool });
        try
        {
            await server.PushAsync(new TlsModule(TlsPair.ServerOptions with { ClientCertificate = TlsClientCertificateMode.Required, TrustPath = Files.Ca }));
            driver.BeginReceiving();
            StreamException ex = await TlsPair.FailureAsync(server);
            Assert.Equal("tls: handshake failed: the client sent no certificate (--require-client-cert)", ex.Message);
        }
        finally
        {
            await server.AbortAsync();
            await server.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        }

        LeakCheck.AssertNoLeaks(pool);
    }

    private static async Task<StreamHead> ConnectAsync(int port, MessagePool pool)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        var driver = new SocketTestDriver(socket, $"tcp:127.0.0.1:{port}");
        driver.BeginReceiving();
        return StreamHead.Open(driver, new StreamOptions { Pool = pool });
    }

    [GeneratedRegex(@"ACCEPT 127\.0\.0\.1:(\d+)")]
    private static partial Regex AcceptPort();
}
