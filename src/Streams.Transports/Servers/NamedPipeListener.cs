using System.IO.Pipelines;
using System.IO.Pipes;

namespace Streams.Transports.Servers;

/// <summary>A .NET named pipe server: one server instance waits for a client at a time; each connected instance
/// becomes a connection and a fresh instance takes its place.</summary>
/// <remarks>A named pipe cannot half-close: the far end sees the end of our data when the stream stops.</remarks>
internal sealed class NamedPipeListener : ConnectionListener
{
    private static readonly StreamPipeReaderOptions s_reader = new(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true);
    private static readonly StreamPipeWriterOptions s_writer = new(minimumBufferSize: 64 * 1024, leaveOpen: true);
    private readonly string _name;
    private NamedPipeServerStream? _waiting;
    private long _count;

    public NamedPipeListener(StreamAddress address)
    {
        _name = address.Path!;
        Address = "pipe:" + _name;
        try
        {
            // Create the first instance now, so that the name is taken (and a clash reported) at start.
            _waiting = CreateInstance();
        }
        catch (IOException ex)
        {
            throw new IOException($"{address.Text}: cannot listen ({ex.Message})", ex);
        }
    }

    public override string Address { get; }

    public override async ValueTask<AcceptedConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        NamedPipeServerStream server = _waiting ?? CreateInstance();
        _waiting = server;
        await server.WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
        _waiting = null;
        string name = Address + "#" + Interlocked.Increment(ref _count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pipe = new Duplex(PipeReader.Create(server, s_reader), PipeWriter.Create(server, s_writer));
        return new AcceptedConnection(name, new DuplexPipeDriver(name, pipe, new DuplexPipeDriverOptions
        {
            Stopped = async abort => await server.DisposeAsync().ConfigureAwait(false),
        }));
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _waiting, null) is { } waiting)
        {
            await waiting.DisposeAsync().ConfigureAwait(false);
        }
    }

    private NamedPipeServerStream CreateInstance() => new(_name, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances, PipeTransmissionMode.Byte, System.IO.Pipes.PipeOptions.Asynchronous);

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
