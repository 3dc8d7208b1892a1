using System.Runtime.InteropServices;
using Streams.Shell.Builtins;
using Streams.Shell.Execution;
using Streams.Shell.Interactive;
using Streams.Shell.Syntax;

namespace Streams.Shell;

/// <summary>How the host runs: whether its streams are the process's own descriptors and a terminal.</summary>
internal sealed class ShellHostOptions
{
    /// <summary>The streams are fds 0, 1, 2: child processes may inherit them.</summary>
    public bool RealDescriptors { get; init; }

    /// <summary>Stdin is a terminal: without arguments, run the interactive prompt.</summary>
    public bool InputIsTerminal { get; init; }

    /// <summary>Handle SIGINT (Ctrl-C) by cancelling the foreground pipeline.</summary>
    public bool HandleSignals { get; init; }

    /// <summary>Called once the shell is set up, before it reads, writes or runs anything; an exit status ends the
    /// run with it (the program's source check rebuilt and ran a fresh build).</summary>
    public Func<int?>? BeforeRun { get; init; }
}

/// <summary>The <c>streams</c> program: parses its arguments and runs a command line, a script, the lines of
/// stdin or the interactive prompt. Callable in-process (tests) with any streams.</summary>
internal static class ShellHost
{
    private const string Usage = "usage: streams [--debug] [-c COMMAND [ARG0 [ARG...]] | FILE [ARG...]]\n";

    /// <summary>Runs the shell; returns its exit status.</summary>
    public static async Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, Stream stderr, ShellHostOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ShellHostOptions();
        var stdio = new ShellStdio(stdin, stdout, stderr, options.RealDescriptors, options.InputIsTerminal);
        bool debug = false;
        try
        {
            int i = 0;
            while (i < args.Length && args[i] == "--debug")
            {
                debug = true;
                i++;
            }

            SubshellRunner? runner = null;
            Func<string, bool> selfContained = static _ => false;
            var session = new ShellSession(stdio, new Lazy<Components.ComponentRegistry>(() => ShellComponents.Create(runner!.RunAsync, out selfContained)), BuiltinTable.CreateDefault())
            {
                Debug = debug,
            };
            var executor = new Executor(session);
            runner = new SubshellRunner(executor);

            // Ctrl-C cancels the foreground pipeline. With none running, the interactive shell ignores it (the line
            // editor sees Ctrl-C as a key) and a script dies of it, as in sh. Registered when first needed.
            using InterruptHandler? interrupts = options.HandleSignals
                ? new InterruptHandler(() => executor.Interrupt() || session.Interactive, name => selfContained(name))
                : null;
            executor.Interrupts = interrupts;

            if (options.BeforeRun?.Invoke() is int ranElsewhere)
            {
                return ranElsewhere;
            }

            int status;
            if (i < args.Length && args[i] is "-h" or "--help")
            {
                stdio.WriteOutput(Usage + "Type 'help' at the prompt (or streams -c help) for the commands.\n");
                return 0;
            }

            if (i < args.Length && args[i] == "-c")
            {
                if (i + 1 >= args.Length)
                {
                    stdio.WriteError("streams: -c: option requires an argument\n" + Usage);
                    return 2;
                }

                session.ScriptName = i + 2 < args.Length ? args[i + 2] : "streams";
                session.Positionals = args.Skip(i + 3).ToArray();
                status = await RunTextAsync(args[i + 1], 1, session, executor, cancellationToken).ConfigureAwait(false);
            }
            else if (i < args.Length && args[i].StartsWith('-') && args[i] != "-")
            {
                stdio.WriteError($"streams: {args[i]}: invalid option\n" + Usage);
                return 2;
            }
            else if (i < args.Length && args[i] != "-")
            {
                string path = session.ResolvePath(args[i]);
                string text;
                try
                {
                    text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    stdio.WriteError($"streams: {args[i]}: {(ex is FileNotFoundException or DirectoryNotFoundException ? "No such file or directory" : ex.Message)}\n");
                    return 127;
                }

                session.ScriptName = args[i];
                session.Positionals = args.Skip(i + 1).ToArray();
                string[] lines = text.Split('\n');
                int count = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
                int next = 0;
                status = await RunLinesAsync(() => ValueTask.FromResult(next < count ? lines[next++] : null), session, executor, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                session.Positionals = args.Skip(i + 1).ToArray();
                if (options.InputIsTerminal)
                {
                    session.Interactive = true;
                    interrupts?.Ensure();
                    status = await new Repl(session, executor).RunAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    status = await RunLinesAsync(() => ValueTask.FromResult(stdio.ReadLine(cancellationToken)), session, executor, cancellationToken).ConfigureAwait(false);
                }
            }

            session.Jobs.CancelAll();
            ExitCleanup.Run();
            if (interrupts is { IsRegistered: true } && !session.Interactive
                && (executor.Interrupted || (status == 130 && executor.WaitForInterrupt(TimeSpan.FromMilliseconds(250)))))
            {
                // Ctrl-C ended the script: die of it, as sh does, rather than exit with 130. (A program that died of
                // the same Ctrl-C may have ended the script before the handler ran: the wait is for that.)
                interrupts.DieOfInterrupt();
            }

            return status;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            stdio.WriteError($"streams: {ex.Message}\n" + (debug ? ex + "\n" : ""));
            return ex is OperationCanceledException ? 130 : 1;
        }
    }

    /// <summary>Parses and runs a whole text (<c>-c</c>); a syntax error runs nothing and returns 2.</summary>
    private static async Task<int> RunTextAsync(string text, int firstLine, ShellSession session, Executor executor, CancellationToken cancellationToken)
    {
        ScriptNode script;
        try
        {
            script = Parser.Parse(text, firstLine);
        }
        catch (SyntaxException ex)
        {
            session.Stdio.WriteError(ex.Format());
            session.LastStatus = 2;
            return 2;
        }

        int status = await executor.RunScriptAsync(script, session, cancellationToken).ConfigureAwait(false);
        return session.ExitRequested ?? status;
    }

    /// <summary>Runs commands read line by line (a script file, or stdin when it is not a terminal): each
    /// complete command runs before the next line is read; a syntax error stops the shell with status 2.</summary>
    private static async Task<int> RunLinesAsync(Func<ValueTask<string?>> readLine, ShellSession session, Executor executor, CancellationToken cancellationToken)
    {
        int lineNumber = 0;
        var pending = new System.Text.StringBuilder();
        int pendingFirstLine = 1;
        while (session.ExitRequested is null)
        {
            string? line = await readLine().ConfigureAwait(false);
            if (line is null)
            {
                if (pending.Length > 0)
                {
                    // The input ended inside a command: what is complete without more lines (a last line ending in
                    // a backslash) runs; anything else is reported as sh does.
                    ScriptNode last;
                    try
                    {
                        last = Parser.Parse(pending.ToString(), pendingFirstLine);
                    }
                    catch (SyntaxException ex)
                    {
                        session.Stdio.WriteError(ex.Format());
                        return 2;
                    }

                    await executor.RunScriptAsync(last, session, cancellationToken).ConfigureAwait(false);
                }

                break;
            }

            lineNumber++;
            if (pending.Length == 0)
            {
                pendingFirstLine = lineNumber;
            }

            pending.Append(line).Append('\n');
            ScriptNode script;
            try
            {
                script = Parser.Parse(pending.ToString(), pendingFirstLine, more: true);
            }
            catch (SyntaxException ex) when (ex.Incomplete)
            {
                continue;
            }
            catch (SyntaxException ex)
            {
                session.Stdio.WriteError(ex.Format());
                session.LastStatus = 2;
                return 2;
            }

            pending.Clear();
            await executor.RunScriptAsync(script, session, cancellationToken).ConfigureAwait(false);
        }

        return session.ExitRequested ?? session.LastStatus;
    }
}
