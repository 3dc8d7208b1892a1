using System.Buffers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Streams.Modules.Tls;

// The SslStream side of the module. Its operations run on thread-pool threads; each one enters the serial context
// with StreamQueue.Invoke and waits for the answer there, so every Invoke a background task makes is sequenced
// after the previous one has run, and no pooled message is ever held outside the context.
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

    // Called by TlsTransportStream, on any thread: the engine wants encrypted bytes.
    internal ValueTask<int> ReadCipherAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        StreamQueue read = _read!;
        if (!cancellationToken.CanBeCanceled)
        {
            read.Invoke(q => TakeCipher(q, buffer, tcs));
            return new ValueTask<int>(tcs.Task);
        }

        return Core(read, buffer, tcs, cancellationToken);

        async ValueTask<int> Core(StreamQueue read, Memory<byte> buffer, TaskCompletionSource<int> tcs, CancellationToken cancellationToken)
        {
            // Cancellation only comes with a failure (the handshake timeout, the module leaving): what the
            // cancelled read would have taken no longer matters.
            using CancellationTokenRegistration registration = cancellationToken.Register(static s => ((TaskCompletionSource<int>)s!).TrySetCanceled(), tcs);
            read.Invoke(q => TakeCipher(q, buffer, tcs));
            return await tcs.Task.ConfigureAwait(false);
        }
    }

    // Called by TlsTransportStream, on any thread: the engine produced encrypted bytes. The write completes when
    // the queues below have room for more, which holds the engine (and so the plaintext) back.
    internal ValueTask WriteCipherAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StreamQueue write = _write!;
        if (!cancellationToken.CanBeCanceled)
        {
            write.Invoke(q => PutCipher(q, buffer, tcs));
            return new ValueTask(tcs.Task);
        }

        return Core(write, buffer, tcs, cancellationToken);

        async ValueTask Core(StreamQueue write, ReadOnlyMemory<byte> buffer, TaskCompletionSource tcs, CancellationToken cancellationToken)
        {
            using CancellationTokenRegistration registration = cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), tcs);
            write.Invoke(q => PutCipher(q, buffer, tcs));
            await tcs.Task.ConfigureAwait(false);
        }
    }

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

    // In the context, on the read queue.
    private void TakeCipher(StreamQueue read, Memory<byte> buffer, TaskCompletionSource<int> tcs)
    {
        if (_stopped || read.Stream.Error is not null)
        {
            tcs.TrySetException(Gone());
            return;
        }

        if (!HoldUp)
        {
            int n = Fill(read, buffer.Span);
            if (n > 0 || _eof)
            {
                tcs.TrySetResult(n);
                return;
            }
        }

        _readBuffer = buffer;
        _readWaiter = tcs;
        TryStartShutdown();
    }

    // While a close_notify waits for the engine's receive side to park, or is being made, nothing is handed to it.
    private bool HoldUp => _shutdownWanted || _shutdownRunning;

    // In the context: the receive side of the engine is not inside SslStream.
    private bool ReceiverParked => _receiverEnded || _upWaiter is not null || _readWaiter is { Task.IsCompleted: false };

    // In the context, on the read queue: encrypted bytes (or the end) arrived for a waiting engine read.
    private void ServeReader(StreamQueue read)
    {
        if (_readWaiter is not { } waiter || HoldUp)
        {
            return;
        }

        if (!waiter.Task.IsCompleted)
        {
            int n = Fill(read, _readBuffer.Span);
            if (n == 0 && !_eof)
            {
                return;
            }

            waiter.TrySetResult(n);
        }

        _readWaiter = null;
        _readBuffer = default;
    }

    private int Fill(StreamQueue read, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            Message? m = _partial;
            if (m is null && !read.TryDequeue(out m))
            {
                break;
            }

            int n = Math.Min(m.Length, buffer.Length - total);
            m.Span[..n].CopyTo(buffer[total..]);
            total += n;
            _cipherIn += n;
            if (n == m.Length)
            {
                m.Release();
                _partial = null;
            }
            else
            {
                m.TrimStart(n);
                _partial = m;
            }
        }

        return total;
    }

    // In the context, on the write queue.
    private void PutCipher(StreamQueue write, ReadOnlyMemory<byte> buffer, TaskCompletionSource tcs)
    {
        if (_stopped || write.Stream.Error is not null)
        {
            tcs.TrySetException(Gone());
            return;
        }

        write.PutNext(write.Pool.Data(buffer.Span));
        if (_cipherWaiters.Count == 0 && write.CanPutNext())
        {
            tcs.TrySetResult();
        }
        else
        {
            _cipherWaiters.Enqueue(tcs);
        }
    }

    // In the context, on the write queue: starts encrypting what waits, once the handshake is done and the previous
    // batch has gone.
    private void Pump(StreamQueue write)
    {
        while (_ready && !_sending && !_stopped && write.Stream.Error is null)
        {
            if (_writePartial is null)
            {
                if (!write.TryPeek(out Message? next))
                {
                    return;
                }

                if (next.Kind == MessageKind.Hangup)
                {
                    write.TryDequeue(out Message? hangup);
                    _hangupDown = hangup;
                    _writeClosed = true;
                    _sending = true;
                    _shutdownWanted = true;
                    TryStartShutdown();
                    return;
                }
            }

            byte[] batch = ArrayPool<byte>.Shared.Rent(BatchSize);
            int filled = Gather(write, batch);
            if (filled == 0)
            {
                ArrayPool<byte>.Shared.Return(batch);
                continue;
            }

            _sending = true;
            SslStream engine = _ssl!;
            _sender = Task.Run(() => SendAsync(engine, batch, filled));
            return;
        }
    }

    private int Gather(StreamQueue write, byte[] batch)
    {
        int filled = 0;
        while (filled < batch.Length)
        {
            Message? m = _writePartial;
            if (m is null)
            {
                if (!write.TryPeek(out Message? next) || next.Kind is not (MessageKind.Data or MessageKind.Proto))
                {
                    break;
                }

                write.TryDequeue(out m);
            }

            int n = Math.Min(m!.Length, batch.Length - filled);
            m.Span[..n].CopyTo(batch.AsSpan(filled));
            filled += n;
            if (n == m.Length)
            {
                m.Release();
                _writePartial = null;
            }
            else
            {
                m.TrimStart(n);
                _writePartial = m;
            }
        }

        return filled;
    }

    private async Task SendAsync(SslStream ssl, byte[] batch, int length)
    {
        Exception? error = null;
        try
        {
            await ssl.WriteAsync(batch.AsMemory(0, length), _stop!.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
        }

        _write!.Invoke(q =>
        {
            _sending = false;
            if (_stopped)
            {
                return;
            }

            if (error is not null)
            {
                q.Fail(new StreamException(Name, "send failed: " + Reason(error, false), error));
                return;
            }

            Pump(q);
        });
    }

    // In the context: makes the close_notify once it is wanted and the receive side of the engine is parked.
    private void TryStartShutdown()
    {
        if (!_shutdownWanted || !ReceiverParked || _stopped)
        {
            return;
        }

        _shutdownWanted = false;
        _shutdownRunning = true;
        SslStream ssl = _ssl!;
        _sender = Task.Run(() => ShutdownAsync(ssl));
    }

    private async Task ShutdownAsync(SslStream ssl)
    {
        Exception? error = null;
        try
        {
            await ssl.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        _write!.Invoke(q =>
        {
            _sending = false;
            _shutdownRunning = false;
            Message? hangup = _hangupDown;
            _hangupDown = null;
            if (hangup is null || _stopped)
            {
                return;
            }

            // The receive side may go on: encrypted bytes that came meanwhile, and room the head made.
            ServeReader(_read!);
            ResumeUp(_read!);

            if (error is not null)
            {
                hangup.Release();
                q.Fail(new StreamException(Name, "close_notify failed: " + Reason(error, false), error));
                return;
            }

            q.PutNext(hangup);
        });
    }

    private void StartReceiving()
    {
        SslStream ssl = _ssl!;
        _receiver = Task.Run(() => ReceiveAsync(ssl));
    }

    private async Task ReceiveAsync(SslStream ssl)
    {
        StreamQueue read = _read!;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReceiveSize);
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = await ssl.ReadAsync(buffer, _stop!.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    read.Invoke(q =>
                    {
                        _receiverEnded = true;
                        if (!_stopped && !_readDone)
                        {
                            q.Fail(new StreamException(Name, "receive failed: " + Reason(ex, _eof) + Where(), ex));
                            return;
                        }

                        TryStartShutdown();
                    });
                    return;
                }

                // The buffer is copied inside the context before the answer comes back.
                var delivered = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                read.Invoke(q => DeliverUp(q, buffer, n, delivered));
                if (!await delivered.Task.ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // In the context, on the read queue: decrypted bytes (or the end, n == 0) for the head.
    private void DeliverUp(StreamQueue read, byte[] buffer, int n, TaskCompletionSource<bool> delivered)
    {
        if (_stopped || _readDone || read.Stream.Error is not null)
        {
            _receiverEnded = true;
            delivered.TrySetResult(false);
            return;
        }

        if (n == 0)
        {
            // close_notify, or the transport's end after the last record: one hangup goes up, and whatever still
            // arrives is dropped.
            _readDone = true;
            Message hangup = _hangupUp ?? read.Pool.Hangup(HangupKind.PeerClosed);
            _hangupUp = null;
            _partial?.Release();
            _partial = null;
            read.Flush();
            read.PutNext(hangup);
            _receiverEnded = true;
            delivered.TrySetResult(false);
            TryStartShutdown();
            return;
        }

        read.PutNext(read.Pool.Data(buffer.AsSpan(0, n)));
        if (read.CanPutNext() && !HoldUp)
        {
            delivered.TrySetResult(true);
        }
        else
        {
            _upWaiter = delivered;
            TryStartShutdown();
        }
    }

    // In the context, on the read queue: lets the receive loop decrypt more once the head has room again.
    private void ResumeUp(StreamQueue read)
    {
        if (_upWaiter is { } waiter && read.CanPutNext() && !HoldUp)
        {
            _upWaiter = null;
            waiter.TrySetResult(true);
        }
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
