using System.Globalization;
using System.Text;
using Streams.Pipelines;
using Streams.Transports.Servers;

namespace Streams.Transports.Commands;

/// <summary><c>stack</c>: the live streams of this process (<see cref="LiveStreams"/>), each with its stack and
/// the statistics of every queue.</summary>
internal sealed class StackCommand : PipelineStage
{
    public const string Help = """
        usage: stack [-s | --short]

        Lists the live streams of this shell (the connections of listen, mount and connect), oldest first:
        the owner, the stack from the head down to the driver, and for each module the statistics of its
        write queue (going down) and read queue (coming up): messages and bytes that passed, what is queued
        now, and how often the queue filled up (flow control). Then the running ZeroMQ devices (forwarder,
        streamer, queue): name, engine (zmtp or netmq), each leg's endpoint with its messages and bytes in
        and out, and the connections refused for breaking ZMTP. -s prints one line per stream or device.
        """;

    public override string Name => "stack";

    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        bool brief = false;
        foreach (string a in context.Arguments)
        {
            if (a is "-s" or "--short")
            {
                brief = true;
            }
            else
            {
                await context.WriteErrorLineAsync($"stack: unknown argument '{a}' (usage: stack [-s])").ConfigureAwait(false);
                return 2;
            }
        }

        var text = new StringBuilder();
        foreach (LiveStream live in LiveStreams.Snapshot())
        {
            StreamHead stream = live.Stream;
            text.Append(CultureInfo.InvariantCulture, $"#{live.Id} {live.Owner}: {stream.Describe()}");
            if (stream.EndReason != HangupKind.None)
            {
                text.Append(CultureInfo.InvariantCulture, $" (ending: {stream.EndReason})");
            }

            text.Append('\n');
            if (brief)
            {
                continue;
            }

            foreach (StackEntry entry in stream.GetStack())
            {
                text.Append(CultureInfo.InvariantCulture, $"    {entry.Name,-28} down: {entry.Write}\n");
                text.Append(CultureInfo.InvariantCulture, $"    {string.Empty,-28} up:   {entry.Read}\n");
            }
        }

        if (ZeroMq.ZeroMqTransport.WasUsed)
        {
            ZeroMq.Devices.ZeroMqDevice.DescribeRunning(text, brief);
        }

        context.Output.WriteUtf8(text.ToString());
        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return 0;
    }
}
