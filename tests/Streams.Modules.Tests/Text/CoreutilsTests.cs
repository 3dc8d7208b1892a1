using System.Text;
using Streams.Components;
using Streams.Modules.Text;
using Streams.Pipelines;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

/// <summary>Compares our commands with GNU coreutils (LC_ALL=C) on the same bytes.</summary>
internal static class Gnu
{
    /// <summary>Inputs every line command must survive: empty, no final newline, CRLF, invalid UTF-8, blank
    /// lines, a 1 MB line.</summary>
    public static readonly string[] EdgeInputs =
    [
        "",
        "a",
        "a\n",
        "\n",
        "\n\n\n",
        "b\na\nc",
        "one two\nthree  four five\n\tsix\n",
        "x\r\ny\r\n\r\nz\r",
        "\xff\xfe\x80 caf\xc3\xa9\n\x80\n\xc3\n",
        "  10 b\n2 a\n-3 c\n+4 d\n1.5 e\nabc f\n\n 007 g\n-0 h\n0 i\n",
        "dup\ndup\nDup\nuniq\ndup\ndup\n",
        "a:b:c\n1:2:3\n::\nnocolon\n:x\n",
        new string('x', 1 << 20) + "\n" + new string('y', 1 << 20),
    ];

    public static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>Runs ours and GNU's on <paramref name="input"/>; asserts equal stdout and status.</summary>
    public static async Task SameAsync(Func<PipelineStage> create, string program, string[] args, string input, string? directory = null, bool compareErrors = false)
    {
        CommandOutcome gnu = await StageHarness.RunReferenceAsync(program, args, Bytes(input), directory);
        CommandOutcome ours = await RunOursAsync(create(), args, Bytes(input), directory);
        string context = $"{program} {string.Join(' ', args)} on {Show(input)}";
        if (gnu.Text != ours.Text && Environment.GetEnvironmentVariable("COREUTILS_DUMP") is string dump)
        {
            File.WriteAllBytes(dump, Bytes(input));
            File.WriteAllText(dump + ".args", string.Join('\n', args));
        }

        Assert.True(gnu.Text == ours.Text, $"{context}\nGNU:  {Show(gnu.Text)}\nours: {Show(ours.Text)}\nours stderr: {ours.ErrorText}");
        Assert.True(gnu.ExitStatus == ours.ExitStatus, $"{context}: status GNU {gnu.ExitStatus}, ours {ours.ExitStatus}; stderr GNU {gnu.ErrorText} ours {ours.ErrorText}");
        if (compareErrors)
        {
            Assert.Equal(gnu.ErrorText, ours.ErrorText);
        }
    }

    /// <summary>Like <see cref="StageHarness.RunAsync"/>, but feeds stdin while the stage runs, so that inputs
    /// larger than the pipe's pause threshold (64 KiB) do not block before the stage starts.</summary>
    /// <remarks>With <paramref name="chunk"/> set, stdin arrives that many bytes at a time, each flushed: a state
    /// kept across reads (a CR that may start a CRLF, a line begun) is then exercised.</remarks>
    public static async Task<CommandOutcome> RunOursAsync(PipelineStage stage, IReadOnlyList<string> arguments, byte[] stdin, string? directory = null, int chunk = 0)
    {
        var input = new System.IO.Pipelines.Pipe();
        var output = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0));
        var error = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task feeding = Task.Run(async () =>
        {
            try
            {
                if (chunk <= 0)
                {
                    await input.Writer.WriteAsync(stdin, cts.Token);
                }

                for (int at = 0; chunk > 0 && at < stdin.Length; at += chunk)
                {
                    await input.Writer.WriteAsync(stdin.AsMemory(at, Math.Min(chunk, stdin.Length - at)), cts.Token);
                }
            }
            catch (InvalidOperationException)
            {
                // The stage finished without reading everything (head): as a pipe's reader closing.
            }
            finally
            {
                await input.Writer.CompleteAsync();
            }
        });
        PipelineResult result = await Pipeline.RunAsync(
            [new StageStart(stage, arguments) { Input = input.Reader, Output = output.Writer }],
            error.Writer,
            directory,
            cancellationToken: cts.Token);
        await input.Reader.CompleteAsync();
        await feeding;
        await output.Writer.CompleteAsync();
        await error.Writer.CompleteAsync();
        byte[] stdout = await output.Reader.ReadAllBytesAsync();
        byte[] stderr = await error.Reader.ReadAllBytesAsync();
        return new CommandOutcome(stdout, stderr, result.ExitStatus);
    }

    /// <summary><see cref="SameAsync"/> on every one of <see cref="EdgeInputs"/>.</summary>
    public static async Task SameOnEdgesAsync(Func<PipelineStage> create, string program, params string[] args)
    {
        foreach (string input in EdgeInputs)
        {
            await SameAsync(create, program, args, input);
        }
    }

    /// <summary>A temporary directory with the given files, deleted on dispose.</summary>
    public static TempDirectory Files(params (string Name, string Content)[] files) => new(files);

    /// <summary>Random lines of words, numbers and blanks from a small alphabet, so that ties and duplicates
    /// are common.</summary>
    public static string RandomLines(Random random, int lines)
    {
        string[] pieces = ["a", "B", "b", "10", "9", "-2", "1.5", " ", "  ", "\t", ":", ",", "x y", "\x80", "Z", "0", "e"];
        return DifferentialInputs.Lines(random, lines, pieces);
    }

    private static string Show(string s) => s.Length > 200 ? $"[{s.Length} chars] " + Escape(s[..200]) : Escape(s);

    private static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}

/// <summary>A temporary directory holding test files.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory((string Name, string Content)[] files)
    {
        Path = Directory.CreateTempSubdirectory("coreutils-").FullName;
        foreach ((string name, string content) in files)
        {
            File.WriteAllBytes(System.IO.Path.Combine(Path, name), Gnu.Bytes(content));
        }
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

public class CoreutilsTests
{
    private static readonly string[] Names =
        ["cat", "echo", "printf", "tr", "cut", "sort", "uniq", "wc", "head", "tail", "tee", "seq", "rev", "tac", "nl", "paste", "yes", "true", "false", "pv"];

    [Fact]
    public void Registry_AddTextCommands_RegistersEveryCoreutil()
    {
        var registry = new ComponentRegistry();
        registry.AddTextCommands();
        foreach (string name in Names)
        {
            ComponentDescriptor? descriptor = registry.All.FirstOrDefault(d => d.Name == name);
            Assert.NotNull(descriptor);
            Assert.NotNull(descriptor.CreateCommand);
            Assert.Equal(name, descriptor.CreateCommand!(false).Name);
        }
    }

    [Fact]
    public async Task Help_EveryCommand_PrintsItsHelpWithGnuStatus()
    {
        var registry = new ComponentRegistry();
        registry.AddTextCommands();
        foreach (string name in Names)
        {
            ComponentDescriptor descriptor = registry.All.First(d => d.Name == name);
            CommandOutcome outcome = await StageHarness.RunAsync(descriptor.CreateCommand!(false), ["--help"], []);
            // As GNU: false keeps its failure status even for --help.
            Assert.Equal(name == "false" ? 1 : 0, outcome.ExitStatus);
            Assert.Equal(descriptor.Help.TrimEnd('\n') + "\n", outcome.Text);
        }
    }
}
