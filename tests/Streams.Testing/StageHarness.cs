using System.Diagnostics;
using System.IO.Pipelines;
using Streams.Pipelines;

namespace Streams.Testing;

/// <summary>The outcome of running a command: its stdout and stderr bytes and its exit status.</summary>
public sealed record CommandOutcome(byte[] Stdout, byte[] Stderr, int ExitStatus)
{
    /// <summary>stdout as Latin-1 text (every byte one char), for assertions.</summary>
    public string Text => System.Text.Encoding.Latin1.GetString(Stdout);

    /// <summary>stderr as UTF-8 text.</summary>
    public string ErrorText => System.Text.Encoding.UTF8.GetString(Stderr);
}

/// <summary>Runs one pipeline stage on in-memory input, and runs a reference program (GNU coreutils, grep,
/// sed …) on the same input with <c>LC_ALL=C</c>, so tests can compare bytes and statuses.</summary>
public static class StageHarness
{
    /// <summary>Runs <paramref name="stage"/> with <paramref name="arguments"/> on <paramref name="stdin"/>.</summary>
    public static async Task<CommandOutcome> RunAsync(PipelineStage stage, IReadOnlyList<string> arguments, byte[] stdin, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var input = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await input.Writer.WriteAsync(stdin);
        await input.Writer.CompleteAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        PipelineResult result = await Pipeline.RunAsync(
            [new StageStart(stage, arguments) { Input = input.Reader, Output = output.Writer }],
            error.Writer,
            workingDirectory,
            cancellationToken: cts.Token);
        await output.Writer.CompleteAsync();
        await error.Writer.CompleteAsync();
        byte[] stdout = await output.Reader.ReadAllBytesAsync();
        byte[] stderr = await error.Reader.ReadAllBytesAsync();
        return new CommandOutcome(stdout, stderr, result.ExitStatus);
    }

    /// <summary>Runs <paramref name="program"/> (found on PATH) with <paramref name="arguments"/> on
    /// <paramref name="stdin"/> under <c>LC_ALL=C</c>, and kills it after <paramref name="timeout"/>.</summary>
    public static async Task<CommandOutcome> RunReferenceAsync(string program, IReadOnlyList<string> arguments, byte[] stdin, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        Task<byte[]> stdout = ReadAllAsync(process.StandardOutput.BaseStream, cts.Token);
        Task<byte[]> stderr = ReadAllAsync(process.StandardError.BaseStream, cts.Token);
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin, cts.Token);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program stopped reading early (head, grep -q): as in a shell, that is not an error.
        }

        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within the time limit");
        }

        return new CommandOutcome(await stdout, await stderr, process.ExitCode);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, cancellationToken);
        return memory.ToArray();
    }
}
