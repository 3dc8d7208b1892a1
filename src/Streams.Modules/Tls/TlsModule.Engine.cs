using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Streams.Modules.Tls;

// The SslStream side of the module. Its operations run on thread-pool threads; each one enters the serial context
// with StreamQueue.Invoke and waits for the answer there, so every Invoke a background task makes is sequenced
// after the previous one has run, and no pooled message is ever held outside the context. This file holds the
// state, the handshake and the end; TlsModule.Send.cs and TlsModule.Receive.cs the two directions.
//
// SslStream lets one read and one write run at once, but its ShutdownAsync takes no lock against a read that is
// decrypting: a TLS 1.3 client processing the server's NewSessionTicket is "in init" for that moment, and a
// close_notify made then fails ("shutdown while in init"). So the close_notify is made only while the receive side
// of the engine is parked (waiting here for encrypted bytes, or for the head to make room, or finished), and no
// bytes are handed to it until the close_notify is made.
public sealed partial class TlsModule
{
    // Plaintext is coalesced into batches of this size; SslStream cuts them into 16 KiB records.
    private const int BatchSize = 64 * 1024;
    private const int ReceiveSize = 16 * 1024;

    private readonly Queue<TaskCompletionSource> _cipherWaiters = new();
    private StreamQueue? _write;
    private StreamQueue? _read;
    private SslStream? _ssl;
    private CancellationTokenSource? _stop;
    private Task _handshake = Task.CompletedTask;
    private Task _receiver = Task.CompletedTask;
    private Task _sender = Task.CompletedTask;
    private volatile string? _rejection;
    private bool _ready;
    private bool _stopped;
    private bool _sending;
    private bool _shutdownWanted;
    private bool _shutdownRunning;
    private bool _receiverEnded;
    private bool _readDone;
    private bool _eof;
    private long _cipherIn;
    private Message? _partial;
    private Message? _writePartial;
    private Message? _hangupUp;
    private Message? _hangupDown;
    private Memory<byte> _readBuffer;
    private TaskCompletionSource<int>? _readWaiter;
    private TaskCompletionSource<bool>? _upWaiter;

    private void StartHandshake(StreamQueue write)
    {
        var ssl = new SslStream(new TlsTransportStream(this), leaveInnerStreamOpen: false);
        _ssl = ssl;
        _stop = new CancellationTokenSource();
        if (Options.Role == TlsRole.Server)
        {
            SslServerAuthenticationOptions server = ServerOptions();
            _handshake = Task.Run(() => HandshakeAsync(ssl, server, null));
            return;
        }

        string? serverName = Options.ServerName ?? DefaultServerName(write.Stream.Driver.Name);
        if (string.IsNullOrEmpty(serverName) && !Options.SkipVerification)
        {
            _stopped = true;
            write.Fail(new StreamException(Name, "handshake failed: no server name to check the certificate against: give --name HOST (or --insecure)"));
            return;
        }

        SslClientAuthenticationOptions client = ClientOptions(serverName ?? string.Empty);
        _handshake = Task.Run(() => HandshakeAsync(ssl, null, client));
    }

    private async Task HandshakeAsync(SslStream ssl, SslServerAuthenticationOptions? server, SslClientAuthenticationOptions? client)
    {
        CancellationToken stop = _stop!.Token;
        TlsInfo? info = null;
        Exception? error = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(Options.HandshakeTimeout);
        try
        {
            if (server is not null)
            {
                await ssl.AuthenticateAsServerAsync(server, timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await ssl.AuthenticateAsClientAsync(client!, timeout.Token).ConfigureAwait(false);
            }

            info = TlsInfo.From(ssl);
        }
        catch (OperationCanceledException ex) when (!stop.IsCancellationRequested)
        {
            error = new TimeoutException($"no handshake within {Options.HandshakeTimeout.TotalSeconds:0.###} s", ex);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        _write!.Invoke(q => OnHandshakeDone(q, info, error));
    }

    private SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificateContext = _credentials.Certificate,
        ClientCertificateRequired = Options.ClientCertificate != TlsClientCertificateMode.None,
        ApplicationProtocols = Alpn(),
        EnabledSslProtocols = Options.EnabledProtocols,
        CertificateChainPolicy = _credentials.ChainPolicy(),
        RemoteCertificateValidationCallback = (_, _, chain, errors) => Verify("client", string.Empty, chain, errors),
    };

    private SslClientAuthenticationOptions ClientOptions(string serverName) => new()
    {
        TargetHost = serverName,
        ClientCertificateContext = _credentials.Certificate,
        ApplicationProtocols = Alpn(),
        EnabledSslProtocols = Options.EnabledProtocols,
        CertificateChainPolicy = _credentials.ChainPolicy(),
        RemoteCertificateValidationCallback = (_, _, chain, errors) => Verify("server", serverName, chain, errors),
    };

    private List<SslApplicationProtocol>? Alpn() =>
        Options.ApplicationProtocols.Count == 0 ? null : Options.ApplicationProtocols.Select(p => new SslApplicationProtocol(p)).ToList();

    // On the engine's thread. Records why a certificate was refused, for the handshake error.
    private bool Verify(string peer, string serverName, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors == SslPolicyErrors.RemoteCertificateNotAvailable && peer == "client")
        {
            if (Options.ClientCertificate != TlsClientCertificateMode.Required)
            {
                return true;
            }

            _rejection = "the client sent no certificate (--require-client-cert)";
            return false;
        }

        if (Options.SkipVerification)
        {
            return true;
        }

        var why = new List<string>();
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            why.Add($"the {peer} sent no certificate");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            why.Add($"the server's certificate does not match the name '{serverName}' (--name)");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            string status = chain is null ? "chain errors" : string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
            why.Add($"the {peer}'s certificate is not trusted ({status}){(_credentials.Trust is null ? " — give its CA with --ca FILE" : " by --ca")}");
        }

        _rejection = string.Join("; ", why);
        return false;
    }

    // In the context: the module leaves. Wakes every engine operation with a failure so that the background tasks
    // end, releases what the module held privately, and disposes the engine once they have.
    private void Stop()
    {
        _stopped = true;
        _stop?.Cancel();
        _readWaiter?.TrySetException(Gone());
        _readWaiter = null;
        _readBuffer = default;
        while (_cipherWaiters.TryDequeue(out TaskCompletionSource? waiter))
        {
            waiter.TrySetException(Gone());
        }

        _upWaiter?.TrySetResult(false);
        _upWaiter = null;
        _partial?.Release();
        _partial = null;
        _writePartial?.Release();
        _writePartial = null;
        if (_ssl is { } ssl)
        {
            _ = Task.WhenAll(_handshake, _receiver, _sender).ContinueWith(_ => ssl.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    // Where in the encrypted stream coming up a failure was seen: the engine had taken this many bytes (it reads
    // ahead, so the bad record starts at or before it). Only the context touches the count.
    private string Where() => $" (after byte {_cipherIn} of the encrypted stream)";

    private static IOException Gone() => new("the TLS module left the stream");

    // One line from an exception chain: SslStream wraps the useful part ("certificate verify failed") in
    // "see inner exception" layers.
    private string Reason(Exception error, bool peerHungUp)
    {
        if (_rejection is { } rejection)
        {
            return rejection;
        }

        var parts = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            string m = e.Message.Trim().TrimEnd('.');
            if (m.Length > 0 && !m.Contains("see inner exception", StringComparison.OrdinalIgnoreCase) && !parts.Contains(m))
            {
                parts.Add(m);
            }
        }

        string reason = parts.Count > 0 ? string.Join(": ", parts) : error.GetType().Name;
        return peerHungUp ? $"the peer closed the connection ({reason})" : reason;
    }

    private static string? DefaultServerName(string driverName)
    {
        if (!driverName.StartsWith("tcp:", StringComparison.Ordinal))
        {
            return null;
        }

        string rest = driverName[4..];
        int colon = rest.LastIndexOf(':');
        string host = colon > 0 ? rest[..colon] : rest;
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return host.Length > 0 ? host : null;
    }
}
