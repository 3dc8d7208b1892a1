using System.Threading.RateLimiting;

namespace Streams.Modules.Protocol;

/// <summary>Limits the rate of the write side to <see cref="ThrottleOptions.BytesPerSecond"/> or
/// <see cref="ThrottleOptions.MessagesPerSecond"/>, with back-pressure: nothing is dropped.</summary>
/// <remarks>
/// <para>A token bucket (<see cref="TokenBucketRateLimiter"/>) holds up to <see cref="ThrottleOptions.Burst"/>
/// tokens (default one second's worth) and is refilled in small steps. A message costs its length in bytes (or
/// one token per message); a message larger than the bucket is paid in several installments. When the bucket
/// is empty the message waits on this module's write queue; once that queue holds more than its high water mark
/// (<see cref="ThrottleOptions.QueueLimits"/>), <c>CanPutNext</c> fails upstream and writers at the head wait —
/// the limiter's grant re-enters the stream through <see cref="StreamQueue.Invoke"/> and the queue drains in
/// order.</para>
/// <para>Only ordinary data is throttled: controls, flushes and high-band messages pass at once; a hangup keeps
/// its place after the data before it. A flush of the write side discards what is waiting. The read side is not
/// limited.</para>
/// </remarks>
public sealed class ThrottleModule : StreamModule
{
    private TokenBucketRateLimiter? _limiter;
    private long _paid;
    private bool _waiting;
    private int _generation;

    /// <summary>Creates the module with <paramref name="options"/>.</summary>
    public ThrottleModule(ThrottleOptions options)
        : base("throttle")
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.BytesPerSecond > 0) == (options.MessagesPerSecond > 0))
        {
            throw new ArgumentException("give exactly one of bytes per second and messages per second", nameof(options));
        }

        Options = options;
        Rate = Math.Max(options.BytesPerSecond, options.MessagesPerSecond);
        TokenLimit = (int)Math.Min(options.Burst > 0 ? options.Burst : Rate, int.MaxValue);
    }

    /// <summary>The options.</summary>
    public ThrottleOptions Options { get; }

    /// <summary>Tokens (bytes or messages) per second.</summary>
    public long Rate { get; }

    /// <summary>The size of the bucket.</summary>
    public int TokenLimit { get; }

    /// <inheritdoc />
    protected override bool HasWriteService => true;

    /// <inheritdoc />
    protected override StreamQueueLimits? Limits => Options.QueueLimits;

    /// <inheritdoc />
    protected override void OnPushed(StreamQueue write, StreamQueue read)
    {
        // Refill in steps of at least one token, about 20 times a second, so that the rate comes out exact.
        int step = (int)Math.Max(1, Math.Min(Rate / 20, TokenLimit));
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = TokenLimit,
            TokensPerPeriod = step,
            // At least one tick: a rate so high that a step would take less is refilled as fast as the limiter can.
            ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(1, (long)(TimeSpan.TicksPerSecond * (double)step / Rate))),
            QueueLimit = TokenLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        _paid = 0;
        _waiting = false;
    }

    /// <inheritdoc />
    protected override void OnPopped(StreamQueue write, StreamQueue read)
    {
        _generation++;
        _waiting = false;
        _limiter?.Dispose();
        _limiter = null;
    }

    /// <inheritdoc />
    protected override void OnWrite(StreamQueue queue, Message message)
    {
        if (message.Kind == MessageKind.Flush && (message.FlushSides & FlushSides.Write) != 0)
        {
            // The queue was emptied before this put: whatever was paid for its first message is forfeit.
            _paid = 0;
            _generation++;
            _waiting = false;
        }

        if (!message.IsFlowControlled && message.Kind != MessageKind.Hangup)
        {
            queue.PutNext(message);
        }
        else if (queue.Count > 0)
        {
            queue.Enqueue(message);
        }
        else if (message.Kind == MessageKind.Hangup)
        {
            queue.PutNext(message);
        }
        else if (Pay(message) && queue.CanPutNext())
        {
            _paid = 0;
            queue.PutNext(message);
        }
        else
        {
            queue.Enqueue(message);
            WaitForTokens(queue);
        }
    }

    /// <inheritdoc />
    protected override void OnWriteService(StreamQueue queue)
    {
        while (queue.TryPeek(out Message m))
        {
            if (m.IsFlowControlled)
            {
                if (!Pay(m))
                {
                    WaitForTokens(queue);
                    return;
                }

                if (!queue.CanPutNext())
                {
                    return;
                }
            }

            queue.TryDequeue(out m);
            _paid = 0;
            queue.PutNext(m);
        }
    }

    private long Cost(Message m) => Options.MessagesPerSecond > 0 ? 1 : m.Length;

    // Takes what tokens there are for the message, in installments of at most the bucket's size.
    private bool Pay(Message m)
    {
        long cost = Cost(m);
        while (_paid < cost)
        {
            if (_waiting || _limiter is null)
            {
                return false;
            }

            int want = (int)Math.Min(cost - _paid, TokenLimit);
            using RateLimitLease lease = _limiter.AttemptAcquire(want);
            if (!lease.IsAcquired)
            {
                return false;
            }

            _paid += want;
        }

        return true;
    }

    private void WaitForTokens(StreamQueue queue)
    {
        if (_waiting || _limiter is null || !queue.TryPeek(out Message head) || Cost(head) <= _paid)
        {
            // Paid already: only flow control holds it, and the back-enable will run the service.
            return;
        }

        _waiting = true;
        int want = (int)Math.Min(Cost(head) - _paid, TokenLimit);
        int generation = _generation;
        ValueTask<RateLimitLease> acquire = _limiter.AcquireAsync(want);
        if (acquire.IsCompleted)
        {
            Granted(queue, acquire.Result, want, generation);
            return;
        }

        _ = acquire.AsTask().ContinueWith(
            t => queue.Invoke(q => Granted(q, t.IsCompletedSuccessfully ? t.Result : null, want, generation)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    // Inside the serial context: the limiter answered a wait.
    private void Granted(StreamQueue queue, RateLimitLease? lease, int want, int generation)
    {
        bool acquired = lease?.IsAcquired == true;
        lease?.Dispose();
        if (generation != _generation || _limiter is null)
        {
            return;
        }

        _waiting = false;
        if (acquired)
        {
            _paid += want;
        }

        queue.EnableService();
    }
}

/// <summary>The options of <see cref="ThrottleModule"/>: give exactly one rate.</summary>
public sealed record ThrottleOptions
{
    /// <summary>The rate in bytes per second, or 0. Default 0.</summary>
    public long BytesPerSecond
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(BytesPerSecond), value, "the rate cannot be negative");
    }

    /// <summary>The rate in messages per second, or 0. Default 0.</summary>
    public long MessagesPerSecond
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MessagesPerSecond), value, "the rate cannot be negative");
    }

    /// <summary>The bucket's size: how much may pass at once after a pause. Default 0, meaning one second's worth
    /// of the rate.</summary>
    public long Burst
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Burst), value, "the burst cannot be negative");
    }

    /// <summary>The water marks of the module's write queue (what waits for tokens before writers are stopped).
    /// Default null: the stream's queue limits.</summary>
    public StreamQueueLimits? QueueLimits { get; init; }
}
