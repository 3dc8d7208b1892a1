using Streams.Components;
using Streams.Modules.Text;

namespace Streams.Shell;

/// <summary>The one place where the shell's component registry is built.</summary>
internal static class ShellComponents
{
    /// <summary>Creates the registry of every component the shell knows (called once, on first use).</summary>
    public static ComponentRegistry Create() => new ComponentRegistry()
        .AddTextCommands();
}
