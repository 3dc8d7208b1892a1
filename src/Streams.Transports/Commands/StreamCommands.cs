using System.IO.Pipelines;
using Streams.Components;

namespace Streams.Transports.Commands;

/// <summary>Runs a shell command line with the given standard streams (a connection's pipeline for
/// <c>listen</c> and <c>mount</c>); returns its exit status. The shell supplies it.</summary>
public delegate Task<int> PipelineRunner(string commandLine, PipeReader stdin, PipeWriter stdout, PipeWriter stderr, CancellationToken cancellationToken);

/// <summary>The stream commands that join transports to pipelines: <c>connect</c>, <c>listen</c>, <c>mount</c>
/// and <c>stack</c>.</summary>
public static partial class StreamCommands
{
    /// <summary>Adds the stream commands to <paramref name="registry"/>; <paramref name="runner"/> runs the
    /// per-connection pipelines of <c>listen</c> and <c>mount</c> (without it they only take modules and echo
    /// nothing: they need a pipeline).</summary>
    public static ComponentRegistry AddStreamCommands(this ComponentRegistry registry, PipelineRunner? runner = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        AddConnect(registry);
        AddServers(registry, runner);
        return registry;
    }

    static partial void AddConnect(ComponentRegistry registry);

    static partial void AddServers(ComponentRegistry registry, PipelineRunner? runner);
}
