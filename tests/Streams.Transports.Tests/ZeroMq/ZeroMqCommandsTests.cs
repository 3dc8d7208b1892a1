using Streams.Components;
using Streams.Testing;
using Streams.Transports.ZeroMq;
using Streams.Transports.ZeroMq.Devices;
using static Streams.Transports.Tests.ZeroMq.ZeroMqTestSupport;

namespace Streams.Transports.Tests.ZeroMq;

public class ZeroMqCommandsTests
{
    private static readonly ComponentRegistry Registry = new ComponentRegistry().AddZeroMqCommands();

    [Fact]
    public void AddZeroMqCommands_RegistersTheThreeDevices()
    {
        foreach (string name in new[] { "forwarder", "streamer", "queue" })
        {
            Assert.True(Registry.TryGet(name, out ComponentDescriptor d, out _));
            Assert.Contains("--control", d.Help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Streamer_TerminateOnControl_ExitsAndPrintsStatistics()
    {
        string front = PyZmqPeer.FreeEndpoint(), back = PyZmqPeer.FreeEndpoint(), control = PyZmqPeer.FreeEndpoint();
        Task<CommandOutcome> run = StageHarness.RunAsync(
            Registry.CreateCommand("streamer", []),
            [front, back, "--control", control, "--name", "cmd-test"],
            [],
            timeout: TimeSpan.FromSeconds(20));
        await WaitForDeviceAsync("cmd-test");
        using (PyZmqPeer pull = await PyZmqPeer.StartAsync("pull", ">" + back, 10))
        using (PyZmqPeer push = await PyZmqPeer.StartAsync("push", ">" + front, 10))
        {
            Assert.Equal(10, (await pull.ReadLinesAsync(10, Wait)).Count);
        }

        using (PyZmqPeer terminate = await PyZmqPeer.StartAsync("control", ">" + control, 1, "TERMINATE"))
        {
            await terminate.ReadLineAsync(Wait);
        }

        CommandOutcome outcome = await run.WaitAsync(Wait);
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Contains("streamer: frontend in 10 msgs/", outcome.ErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarder_Cancelled_StopsAndPrintsStatistics()
    {
        string front = PyZmqPeer.FreeEndpoint(), back = PyZmqPeer.FreeEndpoint();
        CommandOutcome outcome = await StageHarness.RunAsync(Registry.CreateCommand("forwarder", []), [front, back], [], timeout: TimeSpan.FromSeconds(1));
        Assert.Contains("forwarder: frontend in 0 msgs/0 B", outcome.ErrorText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "tcp://127.0.0.1:1" }, "expected FRONT and BACK")]
    [InlineData(new[] { "a", "b", "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "udp://x:1", "tcp://127.0.0.1:2" }, "unknown transport 'udp'")]
    [InlineData(new[] { "tcp://127.0.0.1:1", "tcp://127.0.0.1:2", "-m", "nosuchmodule" }, "nosuchmodule")]
    public async Task Queue_BadArguments_OneClearLine(string[] args, string expected)
    {
        CommandOutcome outcome = await StageHarness.RunAsync(Registry.CreateCommand("queue", []), args, [], timeout: TimeSpan.FromSeconds(10));
        Assert.NotEqual(0, outcome.ExitStatus);
        Assert.Contains(expected, outcome.ErrorText, StringComparison.Ordinal);
        Assert.Single(outcome.ErrorText.Trim().Split('\n'));
    }

    private static async Task WaitForDeviceAsync(string name)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!ZeroMqDevice.Running.Any(d => d.Name == name))
        {
            await Task.Delay(20, cts.Token);
        }
    }
}
