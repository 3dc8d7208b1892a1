using System.Diagnostics;
using System.Text;

namespace Streams.Shell.Tests;

/// <summary>Drives the interactive prompt through a pseudo-terminal with tmux (package <c>tmux</c>, installed by
/// scripts/install-peers.sh): the prompt, line editing, history recall with Up, and Ctrl-C cancelling the
/// foreground pipeline but not the shell.</summary>
public sealed class InteractiveTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("streams-home").FullName;

    // A socket of our own in the scratch home: no clash with other tmux servers, nothing left behind.
    private string Socket => Path.Combine(_home, "tmux.sock");

    public void Dispose()
    {
        Tmux("kill-server");
        Directory.Delete(_home, true);
    }

    private string Tmux(params string[] args)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-S");
        start.ArgumentList.Add(Socket);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    private string Screen() => Tmux("capture-pane", "-p", "-t", "t");

    private async Task<string> WaitForAsync(Func<string, bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        string screen = "";
        while (watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            screen = Screen();
            if (condition(screen))
            {
                return screen;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"timed out waiting for {what}; screen:\n{screen}");
    }

    private static async Task WaitForProcessAsync(params string[] argv)
    {
        string wanted = string.Join('\0', argv) + "\0";
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "cmdline")) == wanted)
                    {
                        return;
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The process ended while we looked, or /proc/N is not a process.
                }
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"timed out waiting for the process {string.Join(' ', argv)}");
    }

    private static int Count(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task Prompt_HistoryRecall_AndCtrlCCancelsPipelineNotShell()
    {
        Assert.True(File.Exists("/usr/bin/tmux"), "tmux is required for the interactive test (apt-get install tmux)");
        string command = $"env HOME={_home} PS1='streams$ ' dotnet {ShellRunner.ProgramPath}; echo EXITED $?; sleep 60";
        Tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", command);

        await WaitForAsync(s => s.Contains("streams$"), "the prompt");
        Tmux("send-keys", "-t", "t", "echo hello", "Enter");
        await WaitForAsync(s => s.Contains("\nhello\n"), "hello");

        // Up recalls the last line; Left moves into it; typing inserts.
        Tmux("send-keys", "-t", "t", "Up");
        await WaitForAsync(s => Count(s, "streams$ echo hello") == 2, "the recalled line");
        Tmux("send-keys", "-t", "t", "Left", "Left", "Left", "Left", "Left", "X", "Home", "Right", "Delete", "c", "Enter");
        await WaitForAsync(s => s.Contains("\nXhello\n"), "the edited line's output");

        // Ctrl-C stops the foreground pipeline (and the rest of the line), not the shell.
        Tmux("send-keys", "-t", "t", "sh -c 'echo started; sleep 100' | /usr/bin/cat; echo not-reached", "Enter");
        await WaitForAsync(s => s.Contains("\nstarted\n"), "the pipeline to start");
        var watch = Stopwatch.StartNew();
        Tmux("send-keys", "-t", "t", "C-c");
        await WaitForAsync(s => Count(s, "streams$") >= 4, "the prompt after Ctrl-C");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        Tmux("send-keys", "-t", "t", "echo status=$?", "Enter");
        string screen = await WaitForAsync(s => s.Contains("\nstatus=130\n"), "the status of the cancelled pipeline");
        Assert.DoesNotContain("\nnot-reached", screen);

        // Ctrl-C at the prompt drops the line.
        Tmux("send-keys", "-t", "t", "echo dropped", "C-c");
        await WaitForAsync(s => s.Contains("echo dropped^C"), "the dropped line");
        Tmux("send-keys", "-t", "t", "exit 4", "Enter");
        screen = await WaitForAsync(s => s.Contains("EXITED 4"), "the shell to exit");
        Assert.DoesNotContain("\ndropped\n", screen);

        string history = await File.ReadAllTextAsync(Path.Combine(_home, ".streams_history"), Encoding.UTF8);
        Assert.Equal("echo hello\necho Xhello\nsh -c 'echo started; sleep 100' | /usr/bin/cat; echo not-reached\necho status=$?\nexit 4\n", history);
    }

    [Fact]
    public async Task Continuation_AndSyntaxError_AtThePrompt()
    {
        Assert.True(File.Exists("/usr/bin/tmux"), "tmux is required for the interactive test (apt-get install tmux)");
        string command = $"env HOME={_home} dotnet {ShellRunner.ProgramPath}; echo EXITED $?; sleep 60";
        Tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", command);
        await WaitForAsync(s => s.Contains("streams$"), "the prompt");
        Tmux("send-keys", "-t", "t", "echo \"a", "Enter", "b\" |", "Enter", "tr a-z A-Z", "Enter");
        await WaitForAsync(s => s.Contains("\nA\nB\n"), "the continued command's output");
        Tmux("send-keys", "-t", "t", "echo x | | y", "Enter");
        await WaitForAsync(s => s.Contains("streams: syntax error at line 1, column 10: unexpected '|'\necho x | | y\n         ^\n"), "the syntax error");
        Tmux("send-keys", "-t", "t", "echo st=$?", "Enter");
        await WaitForAsync(s => s.Contains("\nst=2\nstreams$"), "status 2 and the next prompt");
        Tmux("send-keys", "-t", "t", "false", "Enter");
        await WaitForAsync(s => s.Contains("\nstreams$ false\nstreams$"), "the prompt after false");

        // A Ctrl-D typed before the editor reads is taken by the terminal's own line discipline (as with any
        // shell's type-ahead), so give the editor a moment to start reading.
        await Task.Delay(300);
        Tmux("send-keys", "-t", "t", "C-d");
        await WaitForAsync(s => s.Contains("EXITED 1"), "Ctrl-D to leave with the last status");
    }

    [Fact]
    public async Task CommandReadingTerminal_CtrlC_LeavesNextLineToThePrompt()
    {
        Assert.True(File.Exists("/usr/bin/tmux"), "tmux is required for the interactive test (apt-get install tmux)");
        string command = $"env HOME={_home} dotnet {ShellRunner.ProgramPath}; echo EXITED $?; sleep 60";
        Tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", command);
        await WaitForAsync(s => s.Contains("streams$"), "the prompt");

        // cat reads the terminal (in-process when cat is a component, inherited by /usr/bin/cat otherwise): the
        // terminal echoes what is typed, and Ctrl-D ends the input.
        Tmux("send-keys", "-t", "t", "cat | /usr/bin/tr a-z A-Z", "Enter");
        await Task.Delay(500);
        Tmux("send-keys", "-t", "t", "abc", "Enter");
        await WaitForAsync(s => s.Contains("\nabc\n"), "the typed line's echo");
        Tmux("send-keys", "-t", "t", "C-d");
        await WaitForAsync(s => s.Contains("\nabc\nABC\nstreams$"), "the output and the prompt after Ctrl-D");

        // Ctrl-C stops a command reading the terminal; what is typed next goes to the prompt, intact.
        await Task.Delay(300);
        Tmux("send-keys", "-t", "t", "cat | /usr/bin/tr a-z A-Z", "Enter");
        await Task.Delay(500);
        Tmux("send-keys", "-t", "t", "zzz", "Enter");
        await WaitForAsync(s => s.Contains("\nzzz\n"), "the second typed line's echo");
        Tmux("send-keys", "-t", "t", "C-c");
        await WaitForAsync(s => Count(s, "streams$") >= 3, "the prompt after Ctrl-C");
        await Task.Delay(300);
        Tmux("send-keys", "-t", "t", "echo next-line", "Enter");
        await WaitForAsync(s => s.Contains("streams$ echo next-line\nnext-line\n"), "the next command, intact");
        await Task.Delay(300);
        Tmux("send-keys", "-t", "t", "exit", "Enter");
        await WaitForAsync(s => s.Contains("EXITED 0"), "the shell to exit");
    }

    [Fact]
    public async Task NonInteractive_CtrlC_StopsPipelineAndShell_DiesOfSigint_LikeSh()
    {
        // A program was running, so the shell had its handler: Ctrl-C cancels the pipeline and ends the script,
        // and the shell then dies of SIGINT as sh does, so that the calling loop (bash, which dies of it in turn)
        // stops too: an exit with 130 would let it start its next turn.
        StartReporting("/bin/bash", "-c", $"for i in 1 2; do dotnet {ShellRunner.ProgramPath} -c 'echo start $0; /usr/bin/sleep 101.25; echo after' $i; done; echo END");
        await WaitForAsync(s => s.Contains("start 1"), "the script to start");

        // Ctrl-C must reach the shell while the pipeline runs: between two commands a script dies of it, as in
        // sh. On a loaded machine starting sleep can take longer than any fixed delay, so wait for the process.
        await WaitForProcessAsync("/usr/bin/sleep", "101.25");
        Tmux("send-keys", "-t", "t", "C-c");
        string screen = await WaitForAsync(s => s.Contains("ENDED"), "the loop to end");
        Assert.Contains("ENDED -2", screen);
        Assert.DoesNotContain("after", screen);
        Assert.DoesNotContain("start 2", screen);
        Assert.DoesNotContain("END\n", screen);
    }

    [Fact]
    public async Task NonInteractive_CtrlC_DuringATextCommand_DiesOfSigint_AsGnuCatWould()
    {
        // Only builtins and an in-process text command have run, so the shell has no handler yet: Ctrl-C ends it
        // with SIGINT's default action, as it ends GNU cat.
        StartReporting("dotnet", ShellRunner.ProgramPath, "-c", "echo start; cat; echo after");
        await WaitForAsync(s => s.Contains("start"), "the script to start");
        Tmux("send-keys", "-t", "t", "typed", "Enter");
        await WaitForAsync(s => s.Contains("typed\ntyped"), "cat to echo a line");
        Tmux("send-keys", "-t", "t", "C-c");
        string screen = await WaitForAsync(s => s.Contains("ENDED"), "the shell to end");
        Assert.Contains("ENDED -2", screen);
        Assert.DoesNotContain("after", screen);
    }

    // Runs ARGV on the terminal of session "t" under a Python parent that survives Ctrl-C (a handler of its own,
    // which the child does not inherit) and prints "ENDED N": the exit status, or -SIGNAL when the child died of
    // one.
    private void StartReporting(params string[] argv)
    {
        Assert.True(File.Exists("/usr/bin/tmux"), "tmux is required for the interactive test (apt-get install tmux)");
        const string Parent = "import signal, subprocess, sys, time; signal.signal(signal.SIGINT, lambda *a: None); "
            + "r = subprocess.run(sys.argv[1:]); print('ENDED', r.returncode, flush=True); time.sleep(60)";
        string command = string.Join(' ', new[] { "/usr/bin/python3", "-c", Parent }.Concat(argv).Select(Quote));
        Tmux("new-session", "-d", "-s", "t", "-x", "160", "-y", "40", command);
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
