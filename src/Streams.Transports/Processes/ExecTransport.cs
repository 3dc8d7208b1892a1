using System.Runtime.CompilerServices;
using Streams.Components;
using Streams.Transports.Files;

namespace Streams.Transports.Processes;

/// <summary>The <c>exec:COMMAND</c> transport: a child process whose stdin is the stream's write side and whose
/// stdout is its read side; its stderr goes to this process's stderr.</summary>
/// <remarks>
/// <para>COMMAND is split into words as sh splits them (single and double quotes, backslash), without a shell:
/// <c>exec:sh -c 'exit 3'</c> runs <c>sh</c> with two arguments. The program is looked up on PATH; one that is
/// missing is a <see cref="StreamException"/> (<c>exec:nosuch: nosuch: command not found</c>). The child starts
/// with the default action of SIGPIPE restored (see <see cref="ChildProcessOptions.RestoreSigpipe"/>).</para>
/// <para>A downward hangup closes the child's stdin (it reads its end of file); the end of its stdout is the
/// stream's hangup, sent once the child has exited (waiting at most <see cref="ExitWait"/>), so that the exit
/// status is known when a reader sees the end. The control <see cref="StatusControl"/> answers the exit status
/// (an <see cref="int"/>: the exit code, or 128 + N after signal N) and is refused while the child runs.</para>
/// <para>When the stream stops, the parent's ends of the pipes are closed, then the child gets
/// <see cref="ExitWait"/> to exit before it is killed; an aborted stream (or a close that timed out) kills it at
/// once.</para>
/// </remarks>
public static class ExecTransport
{
    /// <summary>The control answered with the child's exit status.</summary>
    public const string StatusControl = "exec.status";

    /// <summary>How long the driver waits for the child to exit after its stdout ended, and after the stream
    /// stopped before killing it (5 s).</summary>
    public static TimeSpan ExitWait { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Starts <paramref name="commandLine"/> and returns the driver over its stdin and stdout.</summary>
    /// <param name="commandLine">The command, such as <c>sh -c 'exit 3'</c>.</param>
    /// <param name="name">The driver's name (default <c>exec:</c> and the command).</param>
    /// <param name="workingDirectory">The child's working directory (default: this process's).</param>
    /// <exception cref="StreamException">The command is empty or malformed, or the program cannot be started;
    /// names the driver.</exception>
    public static StreamDriver CreateDriver(string commandLine, string? name = null, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        name ??= "exec:" + commandLine;
        IReadOnlyList<string> words;
        try
        {
            words = ComponentRegistry.SplitWords(commandLine);
        }
        catch (ComponentArgumentException ex)
        {
            throw new StreamException(name, ex.Message.Replace("modules: ", string.Empty, StringComparison.Ordinal), ex);
        }

        if (words.Count == 0)
        {
            throw new StreamException(name, "needs a command");
        }

        string directory = workingDirectory ?? Directory.GetCurrentDirectory();
        string? program = ChildProcess.FindExecutable(words[0], Environment.GetEnvironmentVariable("PATH"), directory, out bool notExecutable);
        if (program is null)
        {
            throw new StreamException(name, $"{words[0]}: {(notExecutable ? "permission denied" : "command not found")}");
        }

        ChildProcess child;
        try
        {
            child = ChildProcess.Start(program, words.Skip(1).ToArray(), new ChildProcessOptions { RedirectError = false, WorkingDirectory = workingDirectory });
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            throw new StreamException(name, $"{words[0]}: {ex.Message}", ex);
        }

        Task<int> exit = child.WaitForExitAsync();
        return StreamPipes.CreateDriver(child.Output, child.Input, name, new DuplexPipeDriverOptions
        {
            InputEnded = async () => await Task.WhenAny(exit, Task.Delay(ExitWait)).ConfigureAwait(false),
            Controls = request => request.Command == StatusControl
                ? exit.IsCompletedSuccessfully ? new StrongBox<object?>(exit.Result) : throw new InvalidOperationException($"{words[0]} (pid {child.Id}) is still running")
                : null,
            Stopped = async abort =>
            {
                if (!abort)
                {
                    await Task.WhenAny(exit, Task.Delay(ExitWait)).ConfigureAwait(false);
                }

                child.Kill();
                try
                {
                    await exit.WaitAsync(ExitWait).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Killed but not reaped in time: the runtime reaps it later.
                }

                child.Dispose();
            },
        });
    }
}
