using System.Text;
using Streams.Components;
using Streams.Testing;

namespace Streams.Modules.Tests.Framing;

/// <summary>The framers used as pipeline commands: one input line is one message (encode), one message is one
/// output line (decode with <c>-d</c>).</summary>
public sealed class FramingCommandTests
{
    private static readonly ComponentRegistry Registry = new ComponentRegistry().AddStreamModules();

    [Theory]
    [InlineData("netstring", "a\nbc\n", "1:a,2:bc,")]
    [InlineData("delimiter --delimiter |", "a\nbc\n", "a|bc|")]
    [InlineData("line --crlf", "a\nbc\n", "a\r\nbc\r\n")]
    public async Task Encode_LinesAsMessages_Framed(string command, string input, string expected)
    {
        CommandOutcome outcome = await RunAsync(command, input);
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal(expected, outcome.Text);
    }

    [Theory]
    [InlineData("netstring -d", "1:a,2:bc,", "a\nbc\n")]
    [InlineData("delimiter -d --delimiter |", "a|bc|", "a\nbc\n")]
    public async Task Decode_Frames_OneLineEach(string command, string input, string expected)
    {
        CommandOutcome outcome = await RunAsync(command, input);
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal(expected, outcome.Text);
    }

    [Fact]
    public async Task Decode_LengthFrames_OneLineEach()
    {
        byte[] input = [0, 0, 0, 2, (byte)'h', (byte)'i', 0, 0, 0, 0];
        CommandOutcome outcome = await StageHarness.RunAsync(Registry.CreateCommand("length", ["-d"]), ["-d"], input);
        Assert.Equal(0, outcome.ExitStatus);
        Assert.Equal("hi\n\n", outcome.Text);
    }

    [Fact]
    public async Task Decode_BadNetstring_FailsWithModuleName()
    {
        CommandOutcome outcome = await RunAsync("netstring -d", "01:a,");
        Assert.NotEqual(0, outcome.ExitStatus);
        Assert.Contains("netstring", outcome.ErrorText, StringComparison.Ordinal);
    }

    private static Task<CommandOutcome> RunAsync(string command, string input)
    {
        IReadOnlyList<string> words = ComponentRegistry.SplitWords(command);
        string[] arguments = [.. words.Skip(1)];
        return StageHarness.RunAsync(Registry.CreateCommand(words[0], arguments), arguments, Encoding.ASCII.GetBytes(input));
    }
}
