using System.Buffers;
using System.Net.Security;

namespace Streams.Modules.Tls;

// The receive side of the engine: encrypted bytes from the module's read queue to SslStream, and the decrypted
// bytes from SslStream up to the head, one record at a time while the head has room.
public sealed partial class TlsModule
{
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
}
