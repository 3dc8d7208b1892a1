namespace Streams.Modules.Tests.Protocol;

/// <summary>A clock that moves only when told, firing due timers inline on the caller's thread (deterministic
/// timer tests, no sleeps).</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private long _now;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers created and not disposed.</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_timers)
            {
                return _timers.Count(t => !t.Disposed);
            }
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp() => Interlocked.Read(ref _now);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_timers)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan by)
    {
        long target = GetTimestamp() + by.Ticks;
        while (true)
        {
            ManualTimer? next;
            lock (_timers)
            {
                next = _timers.Where(t => !t.Disposed && t.Due >= 0 && t.Due <= target).MinBy(t => t.Due);
            }

            if (next is null)
            {
                break;
            }

            Interlocked.Exchange(ref _now, next.Due);
            next.Due = next.Period > 0 ? next.Due + next.Period : -1;
            next.Fire();
        }

        Interlocked.Exchange(ref _now, target);
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long Due { get; set; } = -1;

        public long Period { get; private set; }

        public bool Disposed { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Due = dueTime == Timeout.InfiniteTimeSpan ? -1 : owner.GetTimestamp() + dueTime.Ticks;
            Period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            return !Disposed;
        }

        public void Fire() => callback(state);

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return default;
        }
    }
}
