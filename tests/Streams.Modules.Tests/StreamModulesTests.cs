using System.Text.RegularExpressions;
using Streams.Components;
using Streams.Testing;

namespace Streams.Modules.Tests;

/// <summary>Every registered module, made with no arguments and with bad ones, on a stream and as a command:
/// argument errors are one clean line naming the component, never the runtime's text for programmers.</summary>
public sealed partial class StreamModulesTests
{
    private static readonly ComponentRegistry Registry = new ComponentRegistry().AddStreamModules();

    public static TheoryData<string> Modules()
    {
        var data = new TheoryData<string>();
        foreach (ComponentDescriptor d in Registry.All.Where(d => d.CreateModule is not null))
        {
            data.Add(d.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void CreateModule_NoOrBadArguments_ArgumentErrorInTheUsersWords(string name)
    {
        foreach (string[] arguments in BadArguments(name))
        {
            try
            {
                Registry.CreateModule(name, arguments);
            }
            catch (ComponentArgumentException ex)
            {
                AssertClean(name, arguments, ex.Message);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public async Task Command_NoOrBadArguments_ArgumentErrorInTheUsersWords(string name)
    {
        foreach (string[] arguments in BadArguments(name))
        {
            PipelineStageOrError created = Create(name, arguments);
            if (created.Error is { } error)
            {
                AssertClean(name, arguments, error);
                continue;
            }

            CommandOutcome outcome = await StageHarness.RunAsync(created.Stage!, arguments, [], timeout: TimeSpan.FromSeconds(10));
            if (outcome.ExitStatus != 0)
            {
                AssertClean(name, arguments, outcome.ErrorText.TrimEnd('\n'));
            }
        }
    }

    [Fact]
    public async Task Throttle_NoRate_UsageErrorStatusTwoOnBothSides()
    {
        var ex = Assert.Throws<ComponentArgumentException>(() => Registry.CreateModule("throttle", []));
        Assert.Equal("throttle: give one rate: --bytes-per-second SIZE or --messages-per-second N", ex.Message);
        CommandOutcome outcome = await StageHarness.RunAsync(Registry.CreateCommand("throttle", []), [], "x\n"u8.ToArray());
        Assert.Equal(2, outcome.ExitStatus);
        Assert.Equal(ex.Message + "\n", outcome.ErrorText);
        Assert.Empty(outcome.Stdout);
    }

    [Fact]
    public async Task Throttle_BothRates_UsageErrorStatusTwo()
    {
        string[] arguments = ["--bytes-per-second", "1K", "--messages-per-second", "5"];
        var ex = Assert.Throws<ComponentArgumentException>(() => Registry.CreateModule("throttle", arguments));
        Assert.StartsWith("throttle: give one rate", ex.Message, StringComparison.Ordinal);
        CommandOutcome outcome = await StageHarness.RunAsync(Registry.CreateCommand("throttle", arguments), arguments, []);
        Assert.Equal(2, outcome.ExitStatus);
    }

    [Fact]
    public async Task Command_BadOptionValueOfAModule_StatusTwo()
    {
        string[] arguments = ["--max", "0"];
        CommandOutcome outcome = await StageHarness.RunAsync(Registry.CreateCommand("line", arguments), arguments, "x\n"u8.ToArray());
        Assert.Equal(2, outcome.ExitStatus);
        Assert.StartsWith("line: --max", outcome.ErrorText, StringComparison.Ordinal);
    }

    // No arguments, unknown options, a stray word, each option without its value and with values that are not
    // what it takes (empty, a word, negative, zero, too big for any number).
    private static IEnumerable<string[]> BadArguments(string name)
    {
        yield return [];
        yield return ["--no-such-option"];
        yield return ["-Z"];
        yield return ["stray"];
        Registry.TryGet(name, out ComponentDescriptor descriptor, out _);
        foreach (OptionSpec option in descriptor.Options)
        {
            string flag = "--" + option.Name;
            if (option.Kind == OptionKind.Flag)
            {
                yield return [flag + "=yes"];
                continue;
            }

            yield return [flag];
            string[] values = option.Kind == OptionKind.Text
                ? ["", "/nonexistent/dir/x", "-1", "0"]
                : ["", "x", "-1", "0", "-0", "1.5", "99999999999999999999", "9223372036854775807", "8E"];
            foreach (string value in values)
            {
                yield return [flag, value];
            }
        }
    }

    private static PipelineStageOrError Create(string name, string[] arguments)
    {
        try
        {
            return new(Registry.CreateCommand(name, arguments), null);
        }
        catch (ComponentArgumentException ex)
        {
            return new(null, ex.Message);
        }
    }

    private static void AssertClean(string name, string[] arguments, string message)
    {
        string context = $"{name} {string.Join(' ', arguments)} -> {message}";
        Assert.True(message.StartsWith(name + ": ", StringComparison.Ordinal), context);
        Assert.False(message.StartsWith($"{name}: {name}: ", StringComparison.Ordinal), context);
        Assert.DoesNotContain("(Parameter '", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value was", message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Arithmetic operation", message, StringComparison.Ordinal);
        Assert.False(ExceptionName().IsMatch(message), context);
        Assert.DoesNotContain('\n', message);
    }

    [GeneratedRegex(@"\b\w*Exception\b")]
    private static partial Regex ExceptionName();

    private sealed record PipelineStageOrError(Streams.Pipelines.PipelineStage? Stage, string? Error);
}
