using Streams.Components;

namespace Streams.Modules.Text;

/// <summary>Registers the text commands (cat, grep, sed, sort …), which behave like GNU coreutils 9, grep 3 and
/// sed 4 in the C locale for the options they support.</summary>
public static partial class TextCommands
{
    /// <summary>Adds every text command to <paramref name="registry"/>.</summary>
    public static ComponentRegistry AddTextCommands(this ComponentRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        AddCoreutils(registry);
        AddGrepSed(registry);
        return registry;
    }

    static partial void AddCoreutils(ComponentRegistry registry);

    static partial void AddGrepSed(ComponentRegistry registry);
}
