using System.Threading.Channels;

namespace Streams.Transports.Memory;

/// <summary>A registered <c>mem:</c> name: accepts the streams that open it (see
/// <see cref="MemoryTransport"/>).</summary>
/// <remarks>Thread-safe. Streams opened but not yet accepted wait in an unbounded queue; disposing the listener
/// frees the name and aborts them.</remarks>
public sealed class MemoryListener : IAsyncDisposable
{
    private readonly Channel<StreamHead> _pending = Channel.CreateUnbounded<StreamHead>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    internal MemoryListener(string name, StreamOptions options)
    {
        Name = name;
        Options = options;
    }

    /// <summary>The name, without the <c>mem:</c> prefix.</summary>
    public string Name { get; }

    /// <summary>The options of the accepted ends.</summary>
    public StreamOptions Options { get; }

    /// <summary>Waits for the next stream opened on the name; the caller owns it and closes it.</summary>
    /// <exception cref="ObjectDisposedException">The listener was disposed.</exception>
    public async ValueTask<StreamHead> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException($"mem:{Name}", ex);
        }
    }

    /// <summary>Frees the name and aborts the streams nobody accepted.</summary>
    public async ValueTask DisposeAsync()
    {
        MemoryTransport.Remove(this);
        _pending.Writer.TryComplete();
        while (_pending.Reader.TryRead(out StreamHead? head))
        {
            await head.AbortAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override string ToString() => "mem:" + Name;

    internal bool Offer(StreamHead head) => _pending.Writer.TryWrite(head);
}
