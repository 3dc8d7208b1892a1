using System.Diagnostics;
using System.Text;
using Streams.Shell;

namespace Streams.Shell.Tests;

/// <summary>The outcome of a shell run: stdout and stderr bytes and the exit status.</summary>
public sealed record ShellOutcome(byte[] Stdout, byte[] Stderr, int Status)
{
    public string Out => Encoding.UTF8.GetString(Stdout);

    public string Err => Encoding.UTF8.GetString(Stderr);

    public override string ToString() => $"status {Status}\nstdout: {Out}\nstderr: {Err}";
}

/// <summary>Runs command lines through the shell in-process, through the built <c>streams</c> program, and
/// through <c>bash</c>, for comparison.</summary>
public static class ShellRunner
{
    /// <summary>Runs <c>streams ARGS</c> in-process with <paramref name="stdin"/>.</summary>
    public static async Task<ShellOutcome> RunInProcessAsync(string[] args, string stdin = "", TimeSpan? timeout = null)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var output = new MemoryStream();
        using var error = new MemoryStream();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        int status = await ShellHost.RunAsync(args, input, output, error, new ShellHostOptions(), cts.Token).WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        return new ShellOutcome(output.ToArray(), error.ToArray(), status);
    }

    /// <summary>Runs <c>streams -c LINE</c> in-process.</summary>
    public static Task<ShellOutcome> RunAsync(string line, string stdin = "") => RunInProcessAsync(["-c", line], stdin);

    /// <summary>The built program next to the test assembly.</summary>
    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "streams.dll");

    /// <summary>Runs the built <c>streams</c> program (through <c>dotnet</c>) with real pipes.</summary>
    public static Task<ShellOutcome> RunProgramAsync(string[] args, string stdin = "", string? workingDirectory = null, TimeSpan? timeout = null)
        => RunProcessAsync("dotnet", [ProgramPath, .. args], stdin, workingDirectory, timeout);

    /// <summary>Runs <c>bash -c LINE</c> under <c>LC_ALL=C</c>.</summary>
    public static Task<ShellOutcome> RunBashAsync(string line, string stdin = "", string? workingDirectory = null)
        => RunProcessAsync("/bin/bash", ["-c", line], stdin, workingDirectory, null);

    /// <summary>Runs <paramref name="program"/> under <c>LC_ALL=C</c>, with <paramref name="environment"/>'s
    /// variables set (or removed, where the value is null).</summary>
    public static async Task<ShellOutcome> RunProcessAsync(string program, string[] args, string stdin, string? workingDirectory, TimeSpan? timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LC_ALL"] = "C";
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        Task<byte[]> stdout = ReadAllAsync(process.StandardOutput.BaseStream);
        Task<byte[]> stderr = ReadAllAsync(process.StandardError.BaseStream);
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(stdin), cts.Token);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not end");
        }

        return new ShellOutcome(await stdout, await stderr, process.ExitCode);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
