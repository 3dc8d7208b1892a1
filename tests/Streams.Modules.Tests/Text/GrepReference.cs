using System.Text;
using Streams.Pipelines;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

/// <summary>Runs one of our commands and the GNU tool on the same input and compares stdout and status.</summary>
internal static class GrepReference
{
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static async Task<CommandOutcome> AssertSameAsync(Func<PipelineStage> create, string program, string[] args, byte[] stdin, string? workingDirectory = null)
    {
        CommandOutcome expected = await StageHarness.RunReferenceAsync(program, args, stdin, workingDirectory);
        CommandOutcome actual = await StageHarness.RunAsync(create(), args, stdin, workingDirectory);
        string label = $"{program} {string.Join(' ', args.Select(a => "'" + a + "'"))}";
        Assert.True(
            expected.Stdout.AsSpan().SequenceEqual(actual.Stdout),
            $"{label}\nexpected: {Show(expected.Stdout)}\nactual:   {Show(actual.Stdout)}\nstderr: {actual.ErrorText}");
        Assert.True(expected.ExitStatus == actual.ExitStatus, $"{label}: status expected {expected.ExitStatus}, actual {actual.ExitStatus}; stderr: {actual.ErrorText} / {expected.ErrorText}");
        return actual;
    }

    private static string Show(byte[] bytes)
    {
        string text = Encoding.Latin1.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 2000)));
        return text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
    }
}
