using Streams.Components;

namespace Streams.Transports.Commands;

public static partial class StreamCommands
{
    static partial void AddConnect(ComponentRegistry registry)
    {
        registry.Add(new ComponentDescriptor
        {
            Name = "connect",
            Summary = "join stdin and stdout to a stream (socat's - ADDRESS)",
            Help = ConnectCommand.Help,
            CreateCommand = _ => new ConnectCommand(registry),
        });
    }
}
