using Streams.Components;

namespace Streams.Modules.Text;

/// <summary>grep and sed.</summary>
public static partial class TextCommands
{
    static partial void AddGrepSed(ComponentRegistry registry)
    {
        registry.Add(new ComponentDescriptor
        {
            Name = "grep",
            Summary = "print lines that match patterns (GNU grep 3, C locale)",
            Help = GrepCommand.HelpText,
            CreateCommand = _ => new GrepCommand(),
        });
        registry.Add(new ComponentDescriptor
        {
            Name = "sed",
            Summary = "stream editor for filtering and transforming text (GNU sed 4, C locale)",
            Help = SedCommand.HelpText,
            CreateCommand = _ => new SedCommand(),
        });
    }
}
