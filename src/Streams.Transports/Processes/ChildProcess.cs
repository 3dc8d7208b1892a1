using System.ComponentModel;
using System.Diagnostics;

namespace Streams.Transports.Processes;

/// <summary>A running child program with pipes to its standard streams; the launching logic shared by
/// <see cref="ProcessStage"/> and the <c>exec:</c> transport.</summary>
/// <remarks>
/// <para>The child's exit status is its exit code, or 128 + N when signal N killed it (as in sh).</para>
/// <para>Disposing closes the parent's ends of the pipes; it does not kill the child (call <see cref="Kill"/>).
/// Members are safe to call from any thread.</para>
/// </remarks>
[DebuggerDisplay("{_fileName} (pid {Id})")]
public sealed class ChildProcess : IDisposable
{
    private const string EnvPath = "/usr/bin/env";
    private static readonly Lazy<bool> s_envRestoresSignals = new(ProbeEnv);
    private readonly Process _process;
    private readonly string _fileName;

    private ChildProcess(Process process, string fileName, ChildProcessOptions options)
    {
        _process = process;
        _fileName = fileName;
        Input = options.RedirectInput ? process.StandardInput.BaseStream : null;
        Output = options.RedirectOutput ? process.StandardOutput.BaseStream : null;
        Error = options.RedirectError ? process.StandardError.BaseStream : null;
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>The pipe to the child's stdin, or null when it inherits the parent's.</summary>
    /// <remarks>Dispose it to send the end of input.</remarks>
    public Stream? Input { get; }

    /// <summary>The pipe from the child's stdout, or null when it inherits the parent's.</summary>
    /// <remarks>Disposing it makes the child's next write fail with SIGPIPE.</remarks>
    public Stream? Output { get; }

    /// <summary>The pipe from the child's stderr, or null when it inherits the parent's.</summary>
    public Stream? Error { get; }

    /// <summary>Whether the child has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    /// <param name="fileName">The program: a path, or a name looked up on the parent's PATH.</param>
    /// <param name="arguments">The arguments after the program name, passed as they are (no quoting).</param>
    /// <param name="options">How to start it; null for the defaults.</param>
    /// <exception cref="Win32Exception">The program cannot be started.</exception>
    public static ChildProcess Start(string fileName, IReadOnlyList<string> arguments, ChildProcessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(arguments);
        options ??= new ChildProcessOptions();
        // env treats NAME=VALUE operands as assignments, so a program path holding '=' is started directly.
        bool viaEnv = options.RestoreSigpipe && OperatingSystem.IsLinux() && !fileName.Contains('=') && s_envRestoresSignals.Value;
        var start = new ProcessStartInfo(viaEnv ? EnvPath : fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = options.RedirectInput,
            RedirectStandardOutput = options.RedirectOutput,
            RedirectStandardError = options.RedirectError,
        };
        if (options.WorkingDirectory is { } directory)
        {
            start.WorkingDirectory = directory;
        }

        if (viaEnv)
        {
            start.ArgumentList.Add("--default-signal=PIPE");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(options.ArgumentZero is { Length: > 0 } zero && !zero.Contains('/') && !zero.Contains('=') ? zero : fileName);
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (options.Environment is { } environment)
        {
            start.Environment.Clear();
            foreach (KeyValuePair<string, string> pair in environment)
            {
                start.Environment[pair.Key] = pair.Value;
            }
        }

        Process process = Process.Start(start) ?? throw new Win32Exception($"{fileName}: cannot start");
        return new ChildProcess(process, fileName, options);
    }

    /// <summary>Whether <c>/usr/bin/env</c> exists and knows <c>--default-signal</c> (GNU coreutils 8.31 or
    /// later); checked once, at the first start.</summary>
    private static bool ProbeEnv()
    {
        if (!File.Exists(EnvPath))
        {
            return false;
        }

        try
        {
            var probe = new ProcessStartInfo(EnvPath)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            probe.ArgumentList.Add("--default-signal=PIPE");
            probe.ArgumentList.Add("--version");
            using Process process = Process.Start(probe)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    /// <summary>Waits for the child to end and returns its exit status (128 + N for signal N).</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Kills the child (SIGKILL) if it is still running.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // It ended meanwhile.
        }
    }

    /// <summary>Finds <paramref name="name"/> as sh does: a name with a slash is a path (resolved against
    /// <paramref name="workingDirectory"/>), any other name is looked up in the directories of
    /// <paramref name="searchPath"/> (a PATH value).</summary>
    /// <returns>The full path of an executable file, or null; <paramref name="notExecutable"/> is set when a
    /// file was found but cannot be executed (exit status 126 in sh, 127 when nothing was found).</returns>
    public static string? FindExecutable(string name, string? searchPath, string workingDirectory, out bool notExecutable)
    {
        ArgumentNullException.ThrowIfNull(name);
        notExecutable = false;
        if (name.Length == 0)
        {
            return null;
        }

        if (name.Contains('/'))
        {
            string path = Path.GetFullPath(Path.Combine(workingDirectory, name));
            if (IsExecutableFile(path))
            {
                return path;
            }

            notExecutable = File.Exists(path) || Directory.Exists(path);
            return null;
        }

        foreach (string directory in (searchPath ?? "").Split(':'))
        {
            string dir = directory.Length == 0 ? workingDirectory : Path.Combine(workingDirectory, directory);
            string path = Path.Combine(dir, name);
            if (IsExecutableFile(path))
            {
                return path;
            }

            notExecutable |= File.Exists(path);
        }

        return null;
    }

    /// <summary>Whether <paramref name="path"/> is a regular file with an execute bit set.</summary>
    public static bool IsExecutableFile(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            if (OperatingSystem.IsWindows())
            {
                return true;
            }

            UnixFileMode mode = File.GetUnixFileMode(path);
            return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Closes the parent's ends of the pipes.</summary>
    public void Dispose()
    {
        DisposeQuietly(Input);
        DisposeQuietly(Output);
        DisposeQuietly(Error);
        _process.Dispose();
    }

    internal static void DisposeQuietly(Stream? stream)
    {
        try
        {
            stream?.Dispose();
        }
        catch (IOException)
        {
            // Closing a pipe whose reader has gone may flush into EPIPE.
        }
    }
}
