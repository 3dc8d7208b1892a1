using System.Text;
using Streams.Shell.Builtins;
using Streams.Shell.Execution;
using Streams.Shell.Syntax;

namespace Streams.Shell.Interactive;

/// <summary>The interactive prompt: reads a command with the line editor (more lines while it is incomplete),
/// runs it, reports finished background jobs, and goes on until <c>exit</c> or Ctrl-D.</summary>
internal sealed class Repl
{
    private readonly ShellSession _session;
    private readonly Executor _executor;

    public Repl(ShellSession session, Executor executor)
    {
        _session = session;
        _executor = executor;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        string? home = _session.GetVariable("HOME");
        string? historyPath = _session.GetVariable("STREAMS_HISTORY") ?? (home is null ? null : Path.Combine(home, ".streams_history"));
        // Before the line editor first touches the console, which changes the terminal's settings.
        TerminalMode? terminal = TerminalMode.Capture();
        var history = new History(historyPath);
        var editor = new LineEditor(history, Console.Error);
        while (_session.ExitRequested is null && !cancellationToken.IsCancellationRequested)
        {
            ReportFinishedJobs();
            var text = new StringBuilder();
            int firstLine = 1;
            ScriptNode? script = null;
            while (true)
            {
                string prompt = text.Length == 0 ? _session.GetVariable("PS1") ?? "streams$ " : _session.GetVariable("PS2") ?? "> ";
                string? line = editor.ReadLine(prompt);
                if (line is null)
                {
                    if (text.Length == 0)
                    {
                        _session.Jobs.CancelAll();
                        return _session.LastStatus;
                    }

                    break;
                }

                if (editor.Cancelled)
                {
                    _session.LastStatus = 130;
                    text.Clear();
                    break;
                }

                text.Append(line).Append('\n');
                try
                {
                    script = Parser.Parse(text.ToString(), firstLine, more: true);
                    break;
                }
                catch (SyntaxException ex) when (ex.Incomplete)
                {
                }
                catch (SyntaxException ex)
                {
                    _session.Stdio.WriteError(ex.Format());
                    _session.LastStatus = 2;
                    break;
                }
            }

            if (text.Length > 0)
            {
                history.Add(text.ToString().TrimEnd('\n'));
            }

            if (script is not null)
            {
                using (terminal?.UseOriginal())
                {
                    await _executor.RunScriptAsync(script, _session, cancellationToken).ConfigureAwait(false);
                }

                if (_executor.Interrupted)
                {
                    _session.Stdio.WriteError("\n");
                }
            }
        }

        _session.Jobs.CancelAll();
        return _session.ExitRequested ?? _session.LastStatus;
    }

    private void ReportFinishedJobs()
    {
        IReadOnlyList<Job> finished = _session.Jobs.TakeFinished();
        List<Job> all = [.. _session.Jobs.Snapshot(), .. finished];
        foreach (Job job in finished)
        {
            _session.Stdio.WriteError(JobBuiltins.Describe(job, all));
        }
    }
}
