using System.Collections.Concurrent;

namespace Streams.Transports.Servers;

/// <summary>One stream listed in <see cref="LiveStreams"/>.</summary>
/// <param name="Id">A number unique in this process, in order of registration.</param>
/// <param name="Owner">What opened it, such as <c>listen tcp:127.0.0.1:9000</c> or <c>connect</c>.</param>
/// <param name="Stream">The stream.</param>
/// <param name="Opened">When it was registered.</param>
public sealed record LiveStream(long Id, string Owner, StreamHead Stream, DateTimeOffset Opened);

/// <summary>The live streams of this process (the connections of <c>listen</c>, <c>mount</c> and
/// <c>connect</c>), for tools such as <c>stack</c>.</summary>
/// <remarks>Thread-safe. A stream leaves the list when the handle from <see cref="Register"/> is disposed or when
/// the stream is torn down (<see cref="StreamHead.Completion"/>), whichever comes first.</remarks>
public static class LiveStreams
{
    private static readonly ConcurrentDictionary<long, LiveStream> s_streams = new();
    private static long s_next;

    /// <summary>Lists <paramref name="stream"/> under <paramref name="owner"/> until the returned handle is
    /// disposed or the stream is torn down.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="owner">What opened it, such as <c>connect</c> or <c>listen tcp:127.0.0.1:9000</c>.</param>
    /// <returns>A handle that removes the stream from the list (idempotent).</returns>
    public static IDisposable Register(StreamHead stream, string owner)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(owner);
        long id = Interlocked.Increment(ref s_next);
        s_streams[id] = new LiveStream(id, owner, stream, DateTimeOffset.UtcNow);
        var handle = new Registration(id);
        _ = stream.Completion.ContinueWith(static (_, state) => ((Registration)state!).Dispose(), handle, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return handle;
    }

    /// <summary>The streams listed now, oldest first.</summary>
    public static IReadOnlyList<LiveStream> Snapshot() => s_streams.Values.OrderBy(s => s.Id).ToArray();

    private sealed class Registration(long id) : IDisposable
    {
        public void Dispose() => s_streams.TryRemove(id, out _);
    }
}
