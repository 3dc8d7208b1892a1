using Streams.Shell.Syntax;

namespace Streams.Shell.Execution;

/// <summary>Runs parsed scripts: and-or lists, background jobs and pipelines (wiring in
/// <c>Executor.Pipeline.cs</c>).</summary>
/// <remarks>One executor serves one shell process. <see cref="Interrupt"/> (Ctrl-C) cancels the foreground
/// pipeline only; the shell itself goes on.</remarks>
internal sealed partial class Executor
{
    private readonly object _foregroundLock = new();
    private CancellationTokenSource? _foreground;
    private long _lastEndedBy130 = long.MinValue / 2;
    private bool _interrupted;

    public Executor(ShellSession root)
    {
        Root = root;
    }

    public ShellSession Root { get; }

    /// <summary>The Ctrl-C handler, registered before anything runs that needs it (null: signals are not
    /// handled, as in-process under tests).</summary>
    public InterruptHandler? Interrupts { get; set; }

    /// <summary>Whether the last foreground list was interrupted by <see cref="Interrupt"/>.</summary>
    public bool Interrupted
    {
        get => Volatile.Read(ref _interrupted);
        private set => Volatile.Write(ref _interrupted, value);
    }

    /// <summary>Cancels the foreground pipeline (Ctrl-C); false when none is running.</summary>
    public bool Interrupt()
    {
        lock (_foregroundLock)
        {
            Interrupted = true;
            _foreground?.Cancel();

            // Ctrl-C reaches the foreground programs as it reaches us; one that died of it may have ended its
            // pipeline (status 130) before this handler ran. That Ctrl-C was for the pipeline too: the shell ends
            // the line or script with 130 itself rather than die of the signal.
            return _foreground is not null || Environment.TickCount64 - Volatile.Read(ref _lastEndedBy130) < 2000;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for <see cref="Interrupt"/> to have run; whether it has.</summary>
    public bool WaitForInterrupt(TimeSpan timeout)
    {
        long end = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!Interrupted && Environment.TickCount64 < end)
        {
            Thread.Sleep(5);
        }

        return Interrupted;
    }

    /// <summary>Runs every list of <paramref name="script"/> in <paramref name="session"/>, stopping at
    /// <c>exit</c>, at a broken stdout, or (when not interactive) at Ctrl-C; returns the last status.</summary>
    public async Task<int> RunScriptAsync(ScriptNode script, ShellSession session, CancellationToken cancellationToken = default)
    {
        foreach (AndOrNode list in script.Lists)
        {
            if (session.ExitRequested is not null || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (list.Background)
            {
                StartJob(list, session);
                session.LastStatus = 0;
                continue;
            }

            await RunForegroundAsync(list, session, cancellationToken).ConfigureAwait(false);
            if (session.Stdio.Output.IsBroken)
            {
                // The reader of our stdout has gone: stop quietly, as sh dies of SIGPIPE.
                session.ExitRequested ??= session.LastStatus;
            }
            else if (Interrupted || (session.LastStatus == 130 && !session.LastStatusFromKill))
            {
                // 130 too: Ctrl-C reaches the foreground programs at the same time as the shell, and a program
                // may die of it before the shell's own handler has run.
                // Ctrl-C abandons the rest of the command line; a script ends with it.
                if (!session.Interactive)
                {
                    session.ExitRequested ??= 130;
                }

                break;
            }
        }

        return session.LastStatus;
    }

    private async Task RunForegroundAsync(AndOrNode list, ShellSession session, CancellationToken cancellationToken)
    {
        using var foreground = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        CancellationTokenSource? previous;
        lock (_foregroundLock)
        {
            previous = _foreground;
            _foreground = foreground;
            Interrupted = false;
        }

        try
        {
            await RunAndOrAsync(list, session, background: false, foreground.Token).ConfigureAwait(false);
        }
        finally
        {
            lock (_foregroundLock)
            {
                _foreground = previous;
                if (session.LastStatus == 130 && !session.LastStatusFromKill)
                {
                    Volatile.Write(ref _lastEndedBy130, Environment.TickCount64);
                }
            }
        }
    }

    private void StartJob(AndOrNode list, ShellSession session)
    {
        Interrupts?.Ensure();
        ShellSession subshell = session.CreateSubshell();
        Job job = session.Jobs.Add(list.Text, token => RunAndOrAsync(list, subshell, background: true, token));
        if (session.Interactive)
        {
            session.Stdio.WriteError($"[{job.Id}] {list.Text}\n");
        }
    }

    /// <summary>Runs the pipelines of an and-or list; sets and returns <c>$?</c>.</summary>
    public async Task<int> RunAndOrAsync(AndOrNode list, ShellSession session, bool background, CancellationToken cancellationToken)
    {
        int status = session.LastStatus;
        for (int i = 0; i < list.Pipelines.Count; i++)
        {
            if (session.ExitRequested is not null || (i > 0 && cancellationToken.IsCancellationRequested))
            {
                break;
            }

            AndOrKind join = list.Joins[i];
            if ((join == AndOrKind.And && status != 0) || (join == AndOrKind.Or && status == 0))
            {
                continue;
            }

            session.LastStatusFromKill = false;
            status = await RunPipelineAsync(list.Pipelines[i], session, background, cancellationToken).ConfigureAwait(false);
            session.LastStatus = status;
        }

        return status;
    }

    /// <summary>Parses and runs a command line in <paramref name="session"/> (for builtins that take a pipeline,
    /// such as <c>listen … -- PIPELINE</c>).</summary>
    /// <exception cref="SyntaxException">The line is not valid.</exception>
    public Task<int> RunCommandLineAsync(string line, ShellSession session, CancellationToken cancellationToken = default)
        => RunScriptAsync(Parser.Parse(line), session, cancellationToken);
}
