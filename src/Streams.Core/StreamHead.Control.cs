using System.Collections.Concurrent;

namespace Streams;

public sealed partial class StreamHead
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<object?>> _controls = new();
    private long _nextControlId;

    /// <summary>Sends a control request down the stream and waits for the Ack of the module or driver that
    /// handles it. Several requests may be in flight; answers are matched by id.</summary>
    /// <param name="command">The request, such as <c>heartbeat.ping</c> or <c>tcp.peer</c>.</param>
    /// <param name="argument">Its argument, or null.</param>
    /// <param name="timeout">How long to wait (default <see cref="StreamOptions.ControlTimeout"/>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The value carried by the Ack.</returns>
    /// <exception cref="TimeoutException">No answer in time.</exception>
    /// <exception cref="StreamException">A Nak (naming who refused and why) or a failed stream.</exception>
    public async Task<object?> ControlAsync(string command, object? argument = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_error is not null)
        {
            throw _error;
        }

        long id = Interlocked.Increment(ref _nextControlId);
        var tcs = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _controls[id] = tcs;
        Message request = Pool.Control(command, argument);
        request.ControlId = id;
        Invoke(
            static (q, m) =>
            {
                StreamHead h = q.Stream;
                if (h._error is not null || h._closed)
                {
                    h.CompleteControl(h.Pool.Nak(m, h._error ?? (Exception)new InvalidOperationException("The stream is closed."), "head"));
                    m.Release();
                    return;
                }

                h._headWrite.PutNext(m);
            },
            _headWrite,
            request);
        TimeSpan wait = timeout ?? Options.ControlTimeout;
        try
        {
            return await tcs.Task.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _controls.TryRemove(id, out _);
            throw new TimeoutException($"control '{command}' got no answer within {wait.TotalSeconds:0.###} s");
        }
        catch (OperationCanceledException)
        {
            _controls.TryRemove(id, out _);
            throw;
        }
    }

    /// <summary>Discards what is queued on <paramref name="sides"/>: the head and every module empty their
    /// queues; the driver discards unsent data and turns a read flush back up.</summary>
    public Task FlushAsync(FlushSides sides, CancellationToken cancellationToken = default)
    {
        return InvokeAsync(h =>
        {
            if ((sides & FlushSides.Read) != 0)
            {
                h.FlushReadList();
            }

            if ((sides & FlushSides.Write) != 0)
            {
                while (h._headWrite.TryDequeue(out Message? m))
                {
                    TaskCompletionSource? writer = h._writers.Count > 0 ? h._writers.Dequeue() : null;
                    if (m.Kind == MessageKind.Hangup)
                    {
                        h._headWrite.PutNext(m);
                    }
                    else
                    {
                        m.Release();
                    }

                    writer?.TrySetResult();
                }
            }

            if (!h._closed && h._error is null)
            {
                h._headWrite.PutNext(h.Pool.Flush(sides));
            }
        }).WaitAsync(cancellationToken);
    }

    private void CompleteControl(Message answer)
    {
        if (_controls.TryRemove(answer.ControlId, out TaskCompletionSource<object?>? tcs))
        {
            if (answer.Kind == MessageKind.Ack)
            {
                tcs.TrySetResult(answer.Protocol);
            }
            else
            {
                Exception error = answer.Error ?? new NotSupportedException($"'{answer.Command}' was refused");
                tcs.TrySetException(error as StreamException ?? new StreamException(answer.Origin ?? "stream", error.Message, error));
            }
        }

        answer.Release();
    }

    private void FailControls(Exception error)
    {
        foreach (long id in _controls.Keys)
        {
            if (_controls.TryRemove(id, out TaskCompletionSource<object?>? tcs))
            {
                tcs.TrySetException(error);
            }
        }
    }
}
