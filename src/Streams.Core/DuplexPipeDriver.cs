using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Streams;

/// <summary>A driver over any <see cref="IDuplexPipe"/>: a socket connection, a descriptor, a named pipe, a child
/// process's stdin and stdout. The transport drivers are this driver plus the code that opens their pipe.</summary>
/// <remarks>
/// <para><b>Up.</b> A read loop takes what the pipe's input holds, up to
/// <see cref="DuplexPipeDriverOptions.MaxMessage"/> bytes per message, copies it once into a pooled message and
/// puts it up; it puts another only while the stream's read side has room. While the read side is full the loop
/// stops reading, so the transport's own buffer fills and the far end is stopped by the transport's flow control
/// (TCP's window, a full pipe). The end of the input is a <see cref="HangupKind.PeerClosed"/> hangup.</para>
/// <para><b>Down.</b> Data and proto messages are copied into the pipe's output and released; a flush of the
/// output is scheduled after the burst, so many small messages make one transport write. While a flush is pending
/// (the transport is not accepting), messages wait on the driver's write queue, whose water marks stop the
/// writers at the head. A downward hangup flushes, completes the output (a half-close: a socket shuts down
/// sending, a pipe to a child closes its stdin) and reports <see cref="DriverContext.WritesCompleted"/>; reading
/// goes on until the far end finishes.</para>
/// <para><b>Ends.</b> A far end that stops reading (EPIPE, a reset, a completed reader) is not an error of ours:
/// what is still written is released, the writes count as completed, and the read side reports the far end's
/// hangup, as a writer to a closed pipe sees it in sh. <see cref="DuplexPipeDriverOptions.NoInput"/> and
/// <see cref="DuplexPipeDriverOptions.NoOutput"/> serve one-way transports (a file written, a file read). When the
/// stream stops, a read loop blocked in the kernel is given <see cref="DuplexPipeDriverOptions.StopReadWait"/>
/// before the pipe is freed under it.</para>
/// <para><b>Ownership.</b> The driver owns the pipe it was given and completes both its halves when the stream
/// stops; <see cref="DuplexPipeDriverOptions.Stopped"/> then frees what is under the pipe (the socket, the
/// process).</para>
/// </remarks>
public sealed class DuplexPipeDriver : StreamDriver
{
    private static readonly Action<StreamQueue> s_drain = static q => ((DuplexPipeDriver)q.Driver!).Drain(q);
    private readonly IDuplexPipe _pipe;
    private readonly DuplexPipeDriverOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private DriverContext? _context;
    private Task? _readLoop;
    private long _unflushed;
    private bool _flushScheduled;
    private bool _busy;
    private bool _outputDone;
    private int _noInputHangup;
    private bool _flushBroken;
    private volatile bool _stopping;

    /// <summary>Creates a driver named <paramref name="name"/> over <paramref name="pipe"/>, which it then
    /// owns.</summary>
    public DuplexPipeDriver(string name, IDuplexPipe pipe, DuplexPipeDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pipe);
        Name = name;
        _pipe = pipe;
        _options = options ?? DuplexPipeDriverOptions.Default;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>Bytes received from the transport.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Bytes handed to the transport.</summary>
    public long BytesSent { get; private set; }

    /// <inheritdoc />
    protected internal override StreamQueueLimits? Limits => _options.WriteLimits;

    /// <inheritdoc />
    protected internal override void Start(DriverContext context)
    {
        _context = context;
        _readLoop = _options.NoInput ? Task.CompletedTask : Task.Run(ReadLoopAsync);
    }

    /// <inheritdoc />
    protected internal override void OnWrite(StreamQueue queue, Message message)
    {
        if (message.Kind == MessageKind.Flush && (message.FlushSides & FlushSides.Write) != 0)
        {
            queue.Flush();
        }

        if (message.Kind == MessageKind.Control && _options.Controls is { } controls && TryAnswer(queue, message, controls))
        {
            return;
        }

        if (HandleDefault(queue, message))
        {
            return;
        }

        if (_busy || queue.Count > 0)
        {
            queue.Enqueue(message);
            return;
        }

        Send(queue, message);
    }

    /// <inheritdoc />
    protected internal override void OnWriteService(StreamQueue queue)
    {
        Drain(queue);
        if (_flushScheduled)
        {
            FlushNow(queue);
        }
    }

    /// <inheritdoc />
    protected internal override async ValueTask StopAsync(bool abort)
    {
        _stopping = true;
        _stop.Cancel();
        _pipe.Input.CancelPendingRead();
        if (abort || !_outputDone)
        {
            _pipe.Output.CancelPendingFlush();
        }

        // A read blocked in the kernel (a FIFO, a child's stdout: synchronous reads on a pool thread) does not see
        // the cancellation; give the loop a moment, then free the transport under it, which ends it.
        Task loop = _readLoop ?? Task.CompletedTask;
        if (!loop.IsCompleted)
        {
            await Task.WhenAny(loop, Task.Delay(_options.StopReadWait)).ConfigureAwait(false);
        }

        await CompleteQuietlyAsync(_pipe.Input).ConfigureAwait(false);
        await CompleteQuietlyAsync(_pipe.Output).ConfigureAwait(false);
        if (_options.Stopped is { } stopped)
        {
            await stopped(abort).ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private bool TryAnswer(StreamQueue queue, Message request, Func<Message, StrongBox<object?>?> controls)
    {
        Message answer;
        try
        {
            if (controls(request) is not { } value)
            {
                return false;
            }

            answer = queue.Pool.Ack(request, value.Value, Name);
        }
        catch (Exception ex)
        {
            answer = queue.Pool.Nak(request, ex, Name);
        }

        request.Release();
        queue.Reply(answer);
        return true;
    }

    private static async ValueTask CompleteQuietlyAsync(PipeReader reader)
    {
        try
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // Stopping: the transport is gone already.
        }
    }

    private static async ValueTask CompleteQuietlyAsync(PipeWriter writer)
    {
        try
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // Stopping: the transport is gone already.
        }
    }

    // Inside the serial context, with nothing queued before message and no flush pending.
    private void Send(StreamQueue queue, Message message)
    {
        if (_outputDone)
        {
            message.Release();
            return;
        }

        if (message.Kind == MessageKind.Hangup)
        {
            message.Release();
            _outputDone = true;
            _busy = true;
            if (_options.NoOutput)
            {
                WritesDone();
            }
            else
            {
                _ = CompleteOutputAsync();
            }

            return;
        }

        if (_options.NoOutput)
        {
            message.Release();
            _outputDone = true;
            queue.Fail(new StreamException(Name, "opened for reading only: writes are refused"));
            return;
        }

        int length = message.Length;
        if (length > 0)
        {
            PipeWriter output = _pipe.Output;
            ReadOnlySpan<byte> span = message.Span;
            if (length <= 4096)
            {
                span.CopyTo(output.GetSpan(length));
                output.Advance(length);
            }
            else
            {
                output.Write(span);
            }

            _unflushed += length;
            BytesSent += length;
        }

        message.Release();
        if (_unflushed >= _options.FlushThreshold)
        {
            FlushNow(queue);
        }
        else if (!_flushScheduled)
        {
            // After the burst: the write queue's service runs before the context is released (no work item, no
            // concurrent queue per write).
            _flushScheduled = true;
            queue.EnableService();
        }
    }

    private void Drain(StreamQueue queue)
    {
        while (!_busy && queue.TryDequeue(out Message? m))
        {
            Send(queue, m);
        }
    }

    private void FlushNow(StreamQueue queue)
    {
        _flushScheduled = false;
        if (_unflushed == 0 || _busy || _stopping)
        {
            return;
        }

        _unflushed = 0;
        ValueTask<FlushResult> flush;
        try
        {
            flush = _pipe.Output.FlushAsync();
        }
        catch (Exception ex) when (IsBrokenPipe(ex))
        {
            OutputBroken(queue);
            return;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            queue.Fail(StreamException.Wrap(Name, ex));
            return;
        }

        if (flush.IsCompletedSuccessfully)
        {
            if (flush.Result.IsCompleted)
            {
                OutputBroken(queue);
            }

            return;
        }

        _busy = true;
        _ = AwaitFlushAsync(queue, flush);
    }

    private async Task AwaitFlushAsync(StreamQueue queue, ValueTask<FlushResult> flush)
    {
        bool broken;
        try
        {
            broken = (await flush.ConfigureAwait(false)).IsCompleted;
        }
        catch (Exception ex) when (!_stopping && IsBrokenPipe(ex))
        {
            broken = true;
        }
        catch (Exception ex) when (!_stopping)
        {
            queue.Fail(StreamException.Wrap(Name, ex));
            return;
        }
        catch (Exception)
        {
            return;
        }

        // Handed to the serial context through the field: the post that follows publishes it.
        _flushBroken = broken;
        queue.Invoke(static q =>
        {
            var d = (DuplexPipeDriver)q.Driver!;
            d._busy = false;
            if (d._flushBroken)
            {
                d.OutputBroken(q);
            }

            d.Drain(q);
        });
    }

    // Inside the serial context: the far end stopped reading (EPIPE, a reset, a completed reader). As for a
    // writer to a closed pipe, what is still written is discarded (released) and the end of the stream shows on
    // the read side, as the far end's hangup; the stream does not fail for it.
    private void OutputBroken(StreamQueue queue)
    {
        if (_outputDone)
        {
            return;
        }

        _outputDone = true;
        _unflushed = 0;
        while (queue.TryDequeue(out Message? m))
        {
            m.Release();
        }

        WritesDone();
    }

    // The write side is over (completed, refused or broken): tell the stream, and end the read side of a pipe
    // that has no input.
    private void WritesDone()
    {
        DriverContext context = _context!;
        context.WritesCompleted();
        if (_options.NoInput && Interlocked.Exchange(ref _noInputHangup, 1) == 0)
        {
            context.PutUp(context.Pool.Hangup(HangupKind.PeerClosed));
        }
    }

    private static bool IsBrokenPipe(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            // EPIPE is errno 32 on Linux and macOS; .NET reports it as an IOException with that HResult.
            if (e is IOException { HResult: 32 } || (e is IOException && e.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return IsReset(ex);
    }

    private async Task CompleteOutputAsync()
    {
        try
        {
            if (_unflushed > 0)
            {
                _unflushed = 0;
                await _pipe.Output.FlushAsync(_stop.Token).ConfigureAwait(false);
            }

            await _pipe.Output.CompleteAsync().ConfigureAwait(false);
            if (_options.WritesCompleted is { } done)
            {
                await done().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // The far end went away before our end: its hangup reaches the stream from the read loop.
        }

        WritesDone();
    }

    private async Task ReadLoopAsync()
    {
        DriverContext context = _context!;
        PipeReader input = _pipe.Input;
        CancellationToken stop = _stop.Token;
        int max = _options.MaxMessage;
        try
        {
            while (!_stopping)
            {
                if (!context.CanPutUp)
                {
                    await context.WaitForCapacityAsync(stop).ConfigureAwait(false);
                }

                ReadResult result = await input.ReadAsync(stop).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;

                // One message, then more only while the stream has room: the transport's buffer may hold far more
                // than the water marks (a socket's receive pipe holds up to 1 MiB), and a framer above turns each
                // message into many.
                do
                {
                    if (buffer.IsEmpty)
                    {
                        break;
                    }

                    int n = (int)Math.Min(buffer.Length, max);
                    ReadOnlySequence<byte> part = buffer.Slice(0, n);
                    context.PutUp(context.Pool.Data(part));
                    BytesReceived += n;
                    buffer = buffer.Slice(part.End);
                }
                while (context.CanPutUp);

                if (!buffer.IsEmpty)
                {
                    // The rest waits in the transport's buffer until the stream has room again.
                    input.AdvanceTo(buffer.Start);
                    continue;
                }

                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    if (_options.InputEnded is { } ended)
                    {
                        try
                        {
                            await ended().ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is not OutOfMemoryException)
                        {
                            // Only a courtesy before the hangup (such as waiting for an exit status): the end stays an end.
                        }
                    }

                    context.PutUp(context.Pool.Hangup(HangupKind.PeerClosed));
                    return;
                }

                if (result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping)
        {
        }
        catch (Exception ex) when (!_stopping && IsReset(ex))
        {
            // The far end went away abruptly: for the stream that is a hangup, not a failure of ours.
            context.PutUp(context.Pool.Hangup(HangupKind.Reset));
        }
        catch (Exception ex) when (!_stopping)
        {
            context.Fail(StreamException.Wrap(Name, ex));
        }
        catch (Exception)
        {
            // Stopping: the transport is closing under the loop; nobody is left to tell.
        }
    }

    private static bool IsReset(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset or System.Net.Sockets.SocketError.ConnectionAborted or System.Net.Sockets.SocketError.Shutdown }
                || e.GetType().Name is "ConnectionResetException" or "ConnectionAbortedException")
            {
                return true;
            }
        }

        return false;
    }
}
