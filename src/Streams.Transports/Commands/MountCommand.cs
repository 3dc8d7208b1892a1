using Streams.Components;
using Streams.Pipelines;
using Streams.Transports.Mounts;
using Streams.Transports.Servers;

namespace Streams.Transports.Commands;

/// <summary><c>mount PATH [--fifo] [--mode M] [-m MODULE]… -- PIPELINE</c>: a stream mounted on a path, as a unix
/// socket or as FIFOs <c>PATH.in</c> and <c>PATH.out</c>.</summary>
internal sealed class MountCommand(ComponentRegistry registry, PipelineRunner? runner) : ServerCommand(registry, runner)
{
    public const string Help = """
        usage: mount PATH [--fifo] [--mode MODE] [-m MODULE]... [--max-connections N] [--raw] -- PIPELINE

        Mounts a stream on PATH so that unmodified programs reach it. By default PATH becomes a unix socket:
        every program that connects (nc -U PATH, socat - UNIX-CONNECT:PATH) gets a fresh stream with its own
        modules and its own run of PIPELINE, as with listen. With --fifo, the FIFOs PATH.in and PATH.out are
        created for programs that only know open(2): each writer session of PATH.in (echo hi > PATH.in) runs
        PIPELINE once, and what it writes can be read from PATH.out (cat PATH.out).

        The files get mode 0600 (--mode 0666 to share them). mount refuses to replace anything at PATH but a
        stale socket (or stale FIFOs), and removes what it created when it stops: on Ctrl-C or kill %N, and
        on SIGTERM or SIGHUP of the shell.

          --fifo                  FIFOs PATH.in and PATH.out instead of a socket
          --mode MODE             octal file mode (default 0600)
          -m, --module MODULE     push MODULE on each connection (repeatable)
          --max-connections N     serve at most N connections at once (sockets; default 1024)
          --raw                   bytes, not one message per line
          --stop-timeout S        seconds open connections may take at stop (default 5)

        example: mount /tmp/upper -m line -- 'tr a-z A-Z'     then: echo hi | nc -U /tmp/upper
        """;

    public override string Name => "mount";

    protected override bool IsMount => true;

    protected override async Task<(StreamServer Server, Func<TimeSpan, Task> Stop)> StartAsync(ServerCommandLine line, Func<StreamHead, CancellationToken, Task> handler, StageContext context)
    {
        StreamMount mount = await StreamMount.StartAsync(new StreamMountOptions
        {
            Path = context.ResolvePath(line.Target),
            Fifo = line.Fifo,
            Mode = line.Mode ?? (UnixFileMode.UserRead | UnixFileMode.UserWrite),
            Handler = handler,
            ModuleLines = line.Modules,
            Components = Registry,
            StreamOptions = new StreamOptions { Components = Registry },
            MaxConnections = line.MaxConnections,
        }, context.CancellationToken).ConfigureAwait(false);
        return (mount.Server, deadline => mount.StopAsync(deadline));
    }
}
