using System.Buffers;
using System.Net.Security;

namespace Streams.Modules.Tls;

// The send side of the engine: plaintext from the module's write queue coalesced into SslStream writes, the records
// it makes put down while the queues below have room, and the close_notify once the writer has finished.
public sealed partial class TlsModule
{
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
}
