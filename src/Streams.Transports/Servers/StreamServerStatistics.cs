namespace Streams.Transports.Servers;

/// <summary>The counters of a <see cref="StreamServer"/>.</summary>
/// <param name="Accepted">Connections accepted since the start.</param>
/// <param name="Active">Connections being served now.</param>
/// <param name="Completed">Connections that ended without a failure.</param>
/// <param name="Failed">Connections that failed (their handler threw, their stream failed, or the peer reset
/// them), and accepts that failed.</param>
public readonly record struct StreamServerStatistics(long Accepted, int Active, long Completed, long Failed)
{
    /// <inheritdoc />
    public override string ToString() => $"accepted {Accepted}, active {Active}, completed {Completed}, failed {Failed}";
}
