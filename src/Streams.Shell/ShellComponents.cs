using Streams.Components;
using Streams.Modules;
using Streams.Modules.Text;
using Streams.Transports.Commands;
using Streams.Transports.ZeroMq;

namespace Streams.Shell;

/// <summary>The one place where the shell's component registry is built.</summary>
internal static class ShellComponents
{
    /// <summary>Creates the registry of every component the shell knows (called once, on first use).</summary>
    /// <param name="runner">Runs the per-connection pipelines of <c>listen</c> and <c>mount</c> in a child shell
    /// (null: those commands report that they cannot run pipelines).</param>
    public static ComponentRegistry Create(PipelineRunner? runner = null) => new ComponentRegistry()
        .AddTextCommands()
        .AddStreamModules()
        .AddStreamCommands(runner)
        .AddZeroMqCommands();
}
