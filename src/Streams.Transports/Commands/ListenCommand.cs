using Streams.Components;
using Streams.Pipelines;
using Streams.Transports.Servers;

namespace Streams.Transports.Commands;

/// <summary><c>listen ADDRESS [-m MODULE]… [--max-connections N] [--raw] -- PIPELINE</c>: accepts connections
/// on a tcp, unix or pipe address; each gets a fresh stream with its own modules and runs PIPELINE with the
/// connection as its stdin and stdout (socat's <c>fork</c> + <c>EXEC</c>, inetd).</summary>
internal sealed class ListenCommand(ComponentRegistry registry, PipelineRunner? runner) : ServerCommand(registry, runner)
{
    public const string Help = """
        usage: listen ADDRESS [-m MODULE]... [--max-connections N] [--raw] [--stop-timeout S] -- PIPELINE

        Accepts connections on ADDRESS (tcp:HOST:PORT, unix:PATH or pipe:NAME). Each connection gets its own
        stream with a fresh instance of the modules (listed from the head down, as -m line -m gzip writes
        line -> gzip -> socket) and runs PIPELINE with the connection as its stdin and stdout; the end of the
        pipeline's output half-closes the connection. PIPELINE is the words after --, usually one quoted word.
        When the module under the head carries messages (line, length, ...) each message is one line of the
        pipeline's input and each line it writes is one message; --raw passes bytes instead.

        Prints the bound address on stderr (tcp port 0 picks a free port), then runs until cancelled (Ctrl-C,
        kill %N): it stops accepting, lets open connections finish within --stop-timeout seconds (default 5),
        then aborts them and prints its counters. A connection that fails (bad input, a reset) is reported on
        stderr; the others go on. A unix socket is removed when the server stops.

          -m, --module MODULE     push MODULE on each connection (repeatable)
          --max-connections N     serve at most N connections at once; more wait (default 1024)
          --raw                   bytes, not one message per line
          --stop-timeout S        seconds open connections may take at stop (default 5)

        example: listen tcp:127.0.0.1:7000 -m line -- 'tr a-z A-Z'
        """;

    public override string Name => "listen";

    protected override bool IsMount => false;

    protected override async Task<(StreamServer Server, Func<TimeSpan, Task> Stop)> StartAsync(ServerCommandLine line, Func<StreamHead, CancellationToken, Task> handler, StageContext context)
    {
        string address = line.Target;
        StreamAddress parsed = StreamAddress.Parse(address);
        if (parsed.Scheme is AddressScheme.Unix && !Path.IsPathRooted(parsed.Path!))
        {
            // Relative to the shell's working directory, not the process's.
            address = "unix:" + context.ResolvePath(parsed.Path!);
        }

        if (parsed.Scheme is not (AddressScheme.Tcp or AddressScheme.Unix or AddressScheme.Pipe))
        {
            throw new FormatException($"'{parsed.Text}': cannot listen on a {parsed.Scheme.ToString().ToLowerInvariant()}: address (use tcp:, unix: or pipe:; for FIFOs see mount --fifo)");
        }

        StreamServer server = StreamServer.Create(ServerOptions(address, line, handler));
        await server.StartAsync(context.CancellationToken).ConfigureAwait(false);
        return (server, deadline => server.StopAsync(deadline));
    }
}
