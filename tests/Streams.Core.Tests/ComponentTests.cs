using System.Text;
using Streams.Components;
using Streams.Testing;

namespace Streams.Core.Tests;

public sealed class ComponentTests
{
    private static ComponentRegistry Registry() => new ComponentRegistry().Add(new ComponentDescriptor
    {
        Name = "upper",
        Summary = "upper-cases going down, lower-cases coming up",
        Help = "upper [--max SIZE]",
        MessagesAtHead = true,
        DecodeAliases = ["lower"],
        Options = [new OptionSpec("max", OptionKind.Size, "the largest message", "64K"), new OptionSpec("level", OptionKind.Choice, "level") { Choices = ["fast", "slow"] }],
        CreateModule = args => new CaseModule(args.GetSize("max", 64 * 1024)),
    });

    [Fact]
    public void CreateModule_FromLine_ParsesArguments()
    {
        var module = (CaseModule)Registry().CreateModule("upper --max 1K");
        Assert.Equal(1024, module.Max);
        Assert.Equal("upper", module.Name);
    }

    [Theory]
    [InlineData("upper --max lots", "upper: --max: 'lots' is not a size (such as 64K or 16M)")]
    [InlineData("upper --bogus", "upper: unknown option '--bogus'")]
    [InlineData("upper --max", "upper: --max needs a value")]
    [InlineData("upper --level medium", "upper: --level: 'medium' is not one of fast, slow")]
    [InlineData("nosuch", "nosuch: no such module (try 'modules')")]
    public void CreateModule_BadArguments_ClearErrorNamingComponentAndArgument(string line, string message)
    {
        ComponentArgumentException ex = Assert.Throws<ComponentArgumentException>(() => Registry().CreateModule(line));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Describe_ListsComponentsWithHelp()
    {
        Assert.Equal("upper        upper-cases going down, lower-cases coming up\n", Registry().Describe(modulesOnly: true));
    }

    [Fact]
    public async Task ModuleAsCommand_WriteSide_OneMessagePerLine()
    {
        CommandOutcome outcome = await StageHarness.RunAsync(Registry().CreateCommand("upper", []), [], Encoding.ASCII.GetBytes("ab\ncd"));
        Assert.Equal("AB!CD!", outcome.Text);
        Assert.Equal(0, outcome.ExitStatus);
    }

    [Fact]
    public async Task ModuleAsCommand_DecodeAlias_RunsReadSide_OneLinePerMessage()
    {
        CommandOutcome outcome = await StageHarness.RunAsync(Registry().CreateCommand("lower", []), [], Encoding.ASCII.GetBytes("AB!CD"));
        Assert.Equal("ab!cd\n", outcome.Text);
        CommandOutcome viaFlag = await StageHarness.RunAsync(Registry().CreateCommand("upper", ["-d"]), [], Encoding.ASCII.GetBytes("XY"));
        Assert.Equal("xy\n", viaFlag.Text);
    }

    [Fact]
    public async Task ModuleAsCommand_ModuleFails_StageFailsWithName()
    {
        CommandOutcome outcome = await StageHarness.RunAsync(Registry().CreateCommand("upper", ["--max", "2"]), [], Encoding.ASCII.GetBytes("abc\n"));
        Assert.Equal(1, outcome.ExitStatus);
        Assert.Contains("upper: message of 3 bytes is over --max 2", outcome.ErrorText);
    }

    [Fact]
    public void SplitWords_HonoursQuotes()
    {
        Assert.Equal(["grep", "a b", "c\"d", "e"], ComponentRegistry.SplitWords("grep 'a b' \"c\\\"d\" e"));
    }

    private sealed class CaseModule(long max) : StreamModule("upper")
    {
        public long Max => max;

        protected internal override void OnWrite(StreamQueue queue, Message message)
        {
            if (message.Kind == MessageKind.Data)
            {
                if (message.Length > max)
                {
                    int length = message.Length;
                    message.Release();
                    throw new InvalidDataException($"message of {length} bytes is over --max {max}");
                }

                string text = message.ToText().ToUpperInvariant() + "!";
                message.Release();
                message = queue.Pool.Data(Encoding.Latin1.GetBytes(text));
            }

            queue.PutNext(message);
        }

        protected internal override void OnRead(StreamQueue queue, Message message)
        {
            if (message.Kind == MessageKind.Data)
            {
                string text = message.ToText().ToLowerInvariant();
                message.Release();
                message = queue.Pool.Data(Encoding.Latin1.GetBytes(text));
            }

            queue.PutNext(message);
        }
    }
}
