namespace Streams.Transports.Servers;

/// <summary>One connection of a <see cref="StreamServer"/> failed (or an accept failed); the server goes on.</summary>
public sealed class StreamConnectionFailedEventArgs : EventArgs
{
    /// <summary>Creates the arguments.</summary>
    public StreamConnectionFailedEventArgs(string connection, Exception error, HangupKind endReason)
    {
        Connection = connection;
        Error = error;
        EndReason = endReason;
    }

    /// <summary>The connection's name, such as <c>tcp:127.0.0.1:51234</c> (the server's address for a failed
    /// accept).</summary>
    public string Connection { get; }

    /// <summary>What went wrong; a <see cref="StreamException"/> names the module or driver.</summary>
    public Exception Error { get; }

    /// <summary>How the connection's stream ended (<see cref="HangupKind.None"/> when it never opened).</summary>
    public HangupKind EndReason { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Connection}: {Error.Message}";
}
