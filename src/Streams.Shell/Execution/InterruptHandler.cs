using System.Runtime.InteropServices;

namespace Streams.Shell.Execution;

/// <summary>The shell's Ctrl-C handler, registered the first time something runs that needs it.</summary>
/// <remarks>
/// <para>Registering a handler starts the runtime's signal thread (a thread, a pipe and three <c>sigaction</c>s:
/// about 0.6 ms of every start here, docs/benchmarks.md). The interactive shell registers at once. A script or
/// <c>-c</c> line registers before the first pipeline that runs a program, a background job or a component that
/// holds something outside the process (<c>connect</c>, <c>listen</c>, <c>mount</c>, the ZeroMQ commands): those
/// need the handler to stop cleanly (kill the programs, remove the socket, print the counts).</para>
/// <para>Until then only builtins and self-contained components have run (text commands, modules as commands),
/// and Ctrl-C ends the process at once with SIGINT's default action, as it ends GNU's tools; the parent sees a
/// death by SIGINT, status 130 in sh.</para>
/// </remarks>
internal sealed partial class InterruptHandler : IDisposable
{
    private const int SIGINT = 2;

    private readonly Func<bool> _onInterrupt;
    private readonly Func<string, bool> _selfContained;
    private readonly object _gate = new();
    private PosixSignalRegistration? _registration;
    private bool _disposed;

    /// <param name="onInterrupt">Run on Ctrl-C; true to go on (the signal was handled), false to die of it.</param>
    /// <param name="selfContained">Whether a component (by command name) runs in the pipeline's memory alone.</param>
    public InterruptHandler(Func<bool> onInterrupt, Func<string, bool> selfContained)
    {
        _onInterrupt = onInterrupt;
        _selfContained = selfContained;
    }

    /// <summary>Whether the handler is registered.</summary>
    public bool IsRegistered => Volatile.Read(ref _registration) is not null;

    /// <summary>Registers the handler when the component <paramref name="name"/> needs it.</summary>
    public void EnsureFor(string name)
    {
        if (!IsRegistered && !_selfContained(name))
        {
            Ensure();
        }
    }

    /// <summary>Registers the handler, once.</summary>
    public void Ensure()
    {
        if (IsRegistered)
        {
            return;
        }

        lock (_gate)
        {
            if (_registration is null && !_disposed)
            {
                Volatile.Write(ref _registration, PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = _onInterrupt()));
            }
        }
    }

    /// <summary>Ends the process with SIGINT's default action, as sh does when Ctrl-C ended its script: the caller
    /// then knows it was interrupted (a loop in a calling script stops too, where an exit with 130 would let it run
    /// its next turn).</summary>
    /// <remarks>The signal goes to the process, not to this thread (which may be a pool thread that blocks it), and
    /// this waits a second for it; returns only if it did not end the process.</remarks>
    public void DieOfInterrupt()
    {
        Dispose();
        SetDefaultAction(SIGINT, 0);
        Kill(Environment.ProcessId, SIGINT);
        Thread.Sleep(1000);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _registration?.Dispose();
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "signal")]
    private static partial nint SetDefaultAction(int signal, nint handler);

    [LibraryImport("libc.so.6", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
