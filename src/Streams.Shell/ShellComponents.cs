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
    public static ComponentRegistry Create(PipelineRunner? runner = null) => Create(runner, out _);

    /// <summary>Creates the registry, and tells which of its components are self-contained: the text commands
    /// and the stream modules run as commands, which hold nothing outside the pipeline's memory (unlike
    /// <c>connect</c>, <c>listen</c>, <c>mount</c> and the ZeroMQ commands).</summary>
    public static ComponentRegistry Create(PipelineRunner? runner, out Func<string, bool> selfContained)
    {
        ComponentRegistry registry = new ComponentRegistry().AddTextCommands().AddStreamModules();
        var inMemory = new HashSet<ComponentDescriptor>(registry.All, ReferenceEqualityComparer.Instance);
        registry.AddStreamCommands(runner).AddZeroMqCommands();
        selfContained = name => registry.TryGet(name, out ComponentDescriptor descriptor, out _) && inMemory.Contains(descriptor);
        return registry;
    }
}
