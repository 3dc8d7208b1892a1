using System.Diagnostics;
using System.IO.Pipelines;
using Streams.Pipelines;
using Streams.Shell.Builtins;
using Streams.Shell.Execution;

namespace Streams.Shell.Tests;

/// <summary>The shell's own behaviour, in-process (<c>ShellHost.RunAsync</c> over memory streams) unless a real
/// process is needed.</summary>
public class ShellBehaviourTests
{
    [Fact]
    public async Task UnknownCommand_PrintsNotFound_Status127()
    {
        ShellOutcome o = await ShellRunner.RunAsync("nosuch_cmd_1 a b");
        Assert.Equal(("", "streams: nosuch_cmd_1: command not found\n", 127), (o.Out, o.Err, o.Status));
    }

    [Fact]
    public async Task SyntaxError_WithC_PrintsPositionLineAndCaret_Status2_RunsNothing()
    {
        ShellOutcome o = await ShellRunner.RunAsync("echo first; echo a |\n| b");
        Assert.Equal("", o.Out);
        Assert.Equal(2, o.Status);
        Assert.Equal("streams: syntax error at line 2, column 1: unexpected '|'\n| b\n^\n", o.Err);
    }

    [Fact]
    public async Task Expansion_IsOneWord_NeverResplitOrGlobbed()
    {
        ShellOutcome o = await ShellRunner.RunAsync("X='a  b'; Y='*'; /usr/bin/printf '[%s]\\n' $X \"$X\" $Y $X$Y");
        Assert.Equal("[a  b]\n[a  b]\n[*]\n[a  b*]\n", o.Out);
    }

    [Fact]
    public async Task EmptyUnquotedExpansion_GivesNoWord_QuotedGivesEmptyWord()
    {
        ShellOutcome o = await ShellRunner.RunAsync("/usr/bin/printf '[%s]' $UNSET_X \"$UNSET_X\" ''; echo");
        Assert.Equal("[][]\n", o.Out);
    }

    [Fact]
    public async Task DollarAt_AloneInAWord_GivesOneWordPerParameter()
    {
        ShellOutcome o = await ShellRunner.RunInProcessAsync(["-c", "/usr/bin/printf '[%s]' $@; echo; /usr/bin/printf '[%s]' \"x$@\"; echo; echo $#", "zero", "a b", "c"]);
        Assert.Equal("[a b][c]\n[xa b c]\n2\n", o.Out);
    }

    [Fact]
    public async Task SpecialParameters_Expand()
    {
        ShellOutcome o = await ShellRunner.RunAsync("set -- a b c d e f g h i j k; echo ${10} $10 $#; echo $0; X=~; echo \"$X\" ~/d '~' a~; echo $$");
        string home = Environment.GetEnvironmentVariable("HOME") ?? "";
        Assert.Equal($"j a0 11\nstreams\n{home} {home}/d ~ a~\n{Environment.ProcessId}\n", o.Out);
    }

    [Fact]
    public async Task Builtin_ThatWroteNothing_KeepsItsStatus_WhenTheReaderHasGone()
    {
        // `set -o pipefail; false | true`: when `true` has ended (and the pipeline has told `false` so) before
        // `false` is done, `false` still wrote nothing, so no broken pipe can stop it: bash gives 1. Ours gave 0 in
        // about 3 % of runs, from the builtin's closing flush.
        Assert.True(BuiltinTable.CreateDefault().TryGet("false", out Builtin builtin));
        var next = new Pipe();
        await next.Reader.CompleteAsync();
        using var readerGone = new CancellationTokenSource();
        await readerGone.CancelAsync();
        var error = new Pipe();
        var context = new StageContext(FdTable.EmptyReader(), next.Writer, error.Writer, [], new Dictionary<string, string>(), "/", readerGone.Token);
        Assert.Equal(1, await new BuiltinStage(builtin, null!, null!).RunAsync(context));
    }

    [Fact]
    public async Task Pipefail_StageStoppedByReader_CountsAsSuccess()
    {
        ShellOutcome o = await ShellRunner.RunAsync("set -o pipefail; /usr/bin/yes | /usr/bin/head -n 1; echo $?; set -o");
        Assert.Equal("y\n0\npipefail\ton\n", o.Out);
    }

    [Fact]
    public async Task Redirections_AppliedLeftToRight()
    {
        string dir = Directory.CreateTempSubdirectory("streams-shell").FullName;
        try
        {
            ShellOutcome o = await ShellRunner.RunAsync($"cd {dir}; /usr/bin/ls nonexist 2>&1 >out | /usr/bin/wc -l; /usr/bin/wc -c <out; /usr/bin/ls nonexist >both 2>&1; /usr/bin/grep -c nonexist both; X=1 >made; /usr/bin/ls made");
            Assert.Equal("1\n0\n1\nmade\n", o.Out);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task RedirectionFailure_SkipsCommand_Status1()
    {
        ShellOutcome o = await ShellRunner.RunAsync("echo x < /nonexistent/in; echo $?");
        Assert.Equal("1\n", o.Out);
        Assert.Equal("streams: /nonexistent/in: No such file or directory\n", o.Err);
    }

    [Fact]
    public async Task PrefixAssignment_OnlyInCommandEnvironment()
    {
        ShellOutcome o = await ShellRunner.RunAsync("V1=a sh -c 'echo $V1'; echo \"[$V1]\"; V1=b; sh -c 'echo \"[$V1]\"'; export V1; sh -c 'echo $V1'; unset V1; echo \"[$V1]\"");
        Assert.Equal("a\n[]\n[]\nb\n[]\n", o.Out);
    }

    [Fact]
    public async Task BuiltinsInMultiStagePipeline_RunInASubshell()
    {
        ShellOutcome o = await ShellRunner.RunAsync("cd /; cd /usr | true; pwd; exit 3 | true; echo still $?; X=1 | true; echo \"[$X]\"");
        Assert.Equal("/\nstill 0\n[]\n", o.Out);
    }

    [Fact]
    public async Task Cd_ChangesDirectory_DashGoesBack()
    {
        ShellOutcome o = await ShellRunner.RunAsync("cd /usr; cd bin; pwd; cd -; echo $PWD $OLDPWD; cd /nonexistent; echo $?");
        Assert.Equal("/usr/bin\n/usr\n/usr /usr/bin\n1\n", o.Out);
        Assert.Equal("streams: cd: /nonexistent: No such file or directory\n", o.Err);
    }

    [Fact]
    public async Task Exit_UsesStatus_AndRejectsNonNumbers()
    {
        Assert.Equal(42, (await ShellRunner.RunAsync("exit 42; echo no")).Status);
        Assert.Equal(1, (await ShellRunner.RunAsync("false; exit")).Status);
        ShellOutcome o = await ShellRunner.RunAsync("exit abc");
        Assert.Equal((2, "streams: exit: abc: numeric argument required\n"), (o.Status, o.Err));
    }

    [Fact]
    public async Task SetDashDash_SetsPositionals()
    {
        ShellOutcome o = await ShellRunner.RunAsync("set -- p q r; echo $# $2 \"$@\"; set -x");
        Assert.Equal("3 q p q r\n", o.Out);
        Assert.Equal(2, o.Status);
    }

    [Fact]
    public async Task Export_ListsExportedVariables()
    {
        ShellOutcome o = await ShellRunner.RunAsync("export ZZ_TEST='a b' ZZ_2=c; export | /usr/bin/grep ZZ_; export 1bad");
        Assert.Equal("export ZZ_2=c\nexport ZZ_TEST='a b'\n", o.Out);
        Assert.Equal(1, o.Status);
    }

    [Fact]
    public async Task Help_ListsBuiltins_AndShowsOne()
    {
        ShellOutcome all = await ShellRunner.RunAsync("help");
        Assert.Equal(0, all.Status);
        foreach (string name in new[] { "cd", "exit", "export", "set", "help", "modules", "jobs", "fg", "wait", "kill", "echo" })
        {
            Assert.Contains("\n  " + name, all.Out);
        }

        ShellOutcome one = await ShellRunner.RunAsync("help cd");
        Assert.StartsWith("cd [DIR]\n", one.Out);
        ShellOutcome missing = await ShellRunner.RunAsync("help no_such_topic");
        Assert.Equal((1, "streams: help: no help topics match 'no_such_topic'; try 'help'\n"), (missing.Status, missing.Err));
    }

    [Fact]
    public async Task Modules_PrintsRegistryDescription()
    {
        ShellOutcome o = await ShellRunner.RunAsync("modules");
        Assert.Equal(0, o.Status);
        Assert.Equal(ShellComponents.Create().Describe(true), o.Out);
    }

    [Fact]
    public async Task HelpForComponent_PrintsItsHelp()
    {
        var registry = ShellComponents.Create();
        Components.ComponentDescriptor? any = registry.All.FirstOrDefault();
        if (any is null)
        {
            // No component is registered yet: help for a name that is neither builtin nor component fails.
            Assert.Equal(1, (await ShellRunner.RunAsync("help grep_not_registered")).Status);
            return;
        }

        ShellOutcome o = await ShellRunner.RunAsync("help " + any.Name);
        Assert.Equal(0, o.Status);
        Assert.Equal(any.Help.TrimEnd('\n') + "\n", o.Out);
    }

    [Fact]
    public async Task Jobs_KillAndWait()
    {
        ShellOutcome o = await ShellRunner.RunAsync("sleep 5 & jobs; kill %1; wait %1; echo $?; jobs; kill %9");
        Assert.Equal("[1]+  Running                 sleep 5 &\n143\n", o.Out);
        Assert.Equal("streams: kill: %9: no such job\n", o.Err);
    }

    [Fact]
    public async Task Jobs_DollarBangNamesTheJob_AndKillSignalsSetTheStatus()
    {
        // $! is the job (%N), never a number that the system's kill would take for a process id (kill 1 signalled
        // init); the status is 128 + the signal as in bash, and a 130 from kill -INT does not end the line.
        ShellOutcome o = await ShellRunner.RunAsync(
            "sleep 10 & echo $!; kill -9 $!; wait $!; echo $?; sleep 10 & kill -s INT %1; wait %1; echo $?; "
            + "sleep 10 & kill -n 1 $!; wait $!; echo $?; sleep 10 & kill -0 $!; echo $?; kill -STOP $!; echo $?; kill %1; wait %1; echo $?; "
            + "sleep 10 & kill %1; wait; echo $?");
        // wait with no operand is 0 whatever the jobs' statuses (bash, POSIX).
        Assert.Equal("%1\n137\n130\n129\n0\n1\n143\n0\n", o.Out);
        Assert.Equal("streams: kill: %1: a job runs in the shell's process and cannot be stopped or continued (signal 19)\n", o.Err);
    }

    [Fact]
    public async Task Jobs_BadSpecs_GiveBashStatuses()
    {
        ShellOutcome o = await ShellRunner.RunAsync(
            "wait x; echo $?; wait %5; echo $?; wait 99999; echo $?; jobs %1; echo $?; kill -9; echo $?; kill -FOO %1; echo $?; kill abc; echo $?");
        Assert.Equal("1\n127\n127\n1\n2\n1\n1\n", o.Out);
        Assert.Equal(
            "streams: wait: `x': not a pid or valid job spec\nstreams: wait: %5: no such job\n"
            + "streams: wait: pid 99999 is not a child of this shell (wait for a job with %N or $!)\nstreams: jobs: %1: no such job\n"
            + "streams: kill: usage: kill [-s SIGNAL | -n NUMBER | -SIGNAL] %N|PID... or kill -l [SIGNAL]\n"
            + "streams: kill: FOO: invalid signal specification\nstreams: kill: abc: arguments must be process or job IDs\n",
            o.Err);
    }

    [Fact]
    public async Task Kill_WithPid_RunsTheSystemKill()
    {
        ShellOutcome o = await ShellRunner.RunAsync("kill -0 $$; echo $?; kill -0 999999999 2>/dev/null; echo $?");
        Assert.Equal("0\n1\n", o.Out);
    }

    [Fact]
    public async Task Jobs_FgWaitsForJob_AndReturnsItsStatus()
    {
        var watch = Stopwatch.StartNew();
        ShellOutcome o = await ShellRunner.RunAsync("sh -c 'sleep 0.3; exit 6' & fg %1; echo $?; fg");
        Assert.Equal("sh -c 'sleep 0.3; exit 6'\n6\n", o.Out);
        Assert.Equal("streams: fg: current: no such job\n", o.Err);
        Assert.True(watch.Elapsed > TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task Background_HasEmptyStdin_AndOwnVariables()
    {
        ShellOutcome o = await ShellRunner.RunAsync("X=1; X=2 & wait; echo $X; /usr/bin/cat & wait; echo done", "should not be read\n");
        Assert.Equal("1\ndone\n", o.Out);
    }

    [Fact]
    public async Task StdinMode_ReadsCommandsLineByLine()
    {
        ShellOutcome o = await ShellRunner.RunInProcessAsync([], "echo a\necho \"b\nc\"\necho d |\n/usr/bin/tr d D\nexit 3\necho no\n");
        Assert.Equal(("a\nb\nc\nD\n", 3), (o.Out, o.Status));
    }

    [Fact]
    public async Task StdinMode_SyntaxError_StopsWithStatus2()
    {
        ShellOutcome o = await ShellRunner.RunInProcessAsync([], "echo a\necho | |\necho no\n");
        Assert.Equal(("a\n", 2), (o.Out, o.Status));
        Assert.Equal("streams: syntax error at line 2, column 8: unexpected '|'\necho | |\n       ^\n", o.Err);
    }

    [Fact]
    public async Task StdinMode_UnterminatedQuoteAtEnd_IsSyntaxError()
    {
        ShellOutcome o = await ShellRunner.RunInProcessAsync([], "echo a\necho 'open\n");
        Assert.Equal(("a\n", 2), (o.Out, o.Status));
        Assert.StartsWith("streams: syntax error at line 2, column 6: unterminated quote", o.Err);
    }

    [Fact]
    public async Task MissingScript_Status127()
    {
        ShellOutcome o = await ShellRunner.RunInProcessAsync(["/nonexistent/script.sh"]);
        Assert.Equal((127, "streams: /nonexistent/script.sh: No such file or directory\n"), (o.Status, o.Err));
    }

    [Theory]
    [InlineData(new[] { "-c" }, 2)]
    [InlineData(new[] { "-z" }, 2)]
    [InlineData(new[] { "--debug", "-c", "exit 9" }, 9)]
    [InlineData(new[] { "--help" }, 0)]
    public async Task Options_AreChecked(string[] args, int status)
    {
        Assert.Equal(status, (await ShellRunner.RunInProcessAsync(args)).Status);
    }

    [Fact]
    public async Task NotExecutable_Status126()
    {
        string file = Path.GetTempFileName();
        try
        {
            ShellOutcome o = await ShellRunner.RunAsync($"{file}; echo $?; /; echo $?");
            Assert.Equal("126\n126\n", o.Out);
            Assert.Equal($"streams: {file}: Permission denied\nstreams: /: Is a directory\n", o.Err);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task YesHead_InProcess_Ends()
    {
        ShellOutcome o = await ShellRunner.RunAsync("/usr/bin/yes | /usr/bin/head -n 2; /usr/bin/yes | /usr/bin/tr y n | /usr/bin/head -n 1");
        Assert.Equal("y\ny\nn\n", o.Out);
    }

    [Fact]
    public async Task BuiltinCommandMidPipeline_StopsWhenTheNextStageStops()
    {
        // grep and sed flush in batches: the stage after them ending must stop them, as SIGPIPE does in sh (these
        // used to run for ever). `true` never reads; pipefail counts a stage stopped that way as success.
        ShellOutcome o = await ShellRunner.RunAsync(
            "set -o pipefail; yes | grep y | head -n 1; yes | sed p | head -n 2; yes | grep -o y | head -n 1; yes | grep . | true; echo $?; yes 2>&1 | sed s/y/n/ | head -n 1");
        Assert.Equal("y\ny\ny\ny\n0\nn\n", o.Out);
        Assert.Equal(0, o.Status);
    }

    [Fact]
    public async Task ExternalStderr_ReachesShellStderr_And2To1ReachesPipe()
    {
        ShellOutcome o = await ShellRunner.RunAsync("sh -c 'echo e1 >&2; echo o1'; sh -c 'echo e2 >&2; echo o2' 2>&1 | /usr/bin/sort");
        Assert.Equal("o1\ne2\no2\n", o.Out);
        Assert.Equal("e1\n", o.Err);
    }

    [Fact]
    public async Task LargeData_FlowsThroughExternalStages()
    {
        ShellOutcome o = await ShellRunner.RunAsync("/usr/bin/seq 1 300000 | /usr/bin/cat | /usr/bin/tr 0 x | /usr/bin/wc -c");
        ShellOutcome bash = await ShellRunner.RunBashAsync("/usr/bin/seq 1 300000 | /usr/bin/cat | /usr/bin/tr 0 x | /usr/bin/wc -c");
        Assert.Equal(bash.Out, o.Out);
    }

    [Fact]
    public async Task Program_YesHead_EndsAtOnce()
    {
        var watch = Stopwatch.StartNew();
        ShellOutcome o = await ShellRunner.RunProgramAsync(["-c", "yes | head -n 1; echo $?"], timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(("y\n0\n", 0), (o.Out, o.Status));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task ClosedStdout_EachCommandReportsItsWriteError_AndTheShellGoesOn()
    {
        ShellOutcome o = await ShellRunner.RunBashAsync($"dotnet {ShellRunner.ProgramPath} -c 'echo hi; echo st=$? >&2; seq 3; echo st=$? >&2; /bin/echo x; echo st=$? >&2' >&-; echo \"rc=$?\"");
        Assert.Equal("rc=0\n", o.Out);
        Assert.Equal("echo: write error: Bad file descriptor\nst=1\nseq: write error: Bad file descriptor\nst=1\n/bin/echo: write error: Bad file descriptor\nst=1\n", o.Err);
    }

    [Fact]
    public async Task ClosedStdin_ReadsFailWithBadDescriptor_NeverReadTheRuntimesFiles()
    {
        // The runtime keeps /dev/urandom open and a closed 0 is the first number it gets: stdin must not read it.
        ShellOutcome o = await ShellRunner.RunBashAsync($"dotnet {ShellRunner.ProgramPath} -c 'cat; echo st=$?; wc -c; /bin/cat; echo st=$?' <&-");
        Assert.Equal("st=1\nst=1\n", o.Out);
        Assert.StartsWith("cat: -: read error: Bad file descriptor\nwc: read error: Bad file descriptor\n/bin/cat: -: Bad file descriptor\n", o.Err);
    }

    [Fact]
    public async Task FullDisk_WriteErrorLikeGnu_Status1()
    {
        ShellOutcome o = await ShellRunner.RunBashAsync($"dotnet {ShellRunner.ProgramPath} -c 'seq 100000; echo st=$? >&2; echo hi; echo st=$? >&2' > /dev/full");
        Assert.Equal("seq: write error: No space left on device\nst=1\necho: write error: No space left on device\nst=1\n", o.Err);
    }

    [Theory]
    [InlineData("cat /etc/passwd")]
    [InlineData("cat < /etc/passwd")]
    [InlineData("cat -n /etc/passwd /etc/hostname")]
    [InlineData("cat /no-such-file /etc/passwd")]
    [InlineData("seq 10 | cat")]
    [InlineData("grep root /etc/passwd")]
    [InlineData("tee /dev/null < /etc/passwd")]
    [InlineData("tee /dev/full TEEOUT < /etc/passwd")]
    [InlineData("head -n 3 /etc/passwd")]
    [InlineData("tr a-z A-Z < /etc/passwd")]
    public async Task WriteErrors_ReportedOnceAsGnu_WithItsStatus(string line)
    {
        // GNU's messages and statuses for a full output, whether the shell's own stdout is /dev/full or a
        // redirection inside the line opened it; tee reports and goes on with its other files.
        string dir = Directory.CreateTempSubdirectory("streams-full-").FullName;
        try
        {
            string command = line.Replace("TEEOUT", Path.Combine(dir, "tee.out"), StringComparison.Ordinal);
            string script = command + "; echo st=$? >&2";
            ShellOutcome gnu = await ShellRunner.RunBashAsync($"{{ {script}; }} > /dev/full");
            ShellOutcome outside = await ShellRunner.RunBashAsync($"dotnet {ShellRunner.ProgramPath} -c '{script}' > /dev/full");
            ShellOutcome inside = await ShellRunner.RunProgramAsync(["-c", $"{command} > /dev/full; echo st=$? >&2"]);
            Assert.Equal(gnu.Err, outside.Err);
            Assert.Equal(gnu.Err, inside.Err);
            if (line.Contains("TEEOUT", StringComparison.Ordinal))
            {
                Assert.Equal(await File.ReadAllTextAsync("/etc/passwd"), await File.ReadAllTextAsync(Path.Combine(dir, "tee.out")));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task WriteError_Sort_EndsWithStatus2()
    {
        // GNU sort's wording depends on its stdio buffer ("fflush failed" or "write failed"); its status is 2.
        ShellOutcome gnu = await ShellRunner.RunBashAsync("sort /etc/passwd > /dev/full; echo st=$?");
        ShellOutcome ours = await ShellRunner.RunProgramAsync(["-c", "sort /etc/passwd > /dev/full; echo st=$?"]);
        Assert.Equal("st=2\n", gnu.Out);
        Assert.Equal("st=2\n", ours.Out);
        Assert.Equal("sort: write error: No space left on device\n", ours.Err);
    }

    [Fact]
    public async Task Program_SeesItsNameAsTyped_AsUnderAShell()
    {
        // argv[0] is what was typed: GNU tools name themselves with it in their messages.
        ShellOutcome o = await ShellRunner.RunProgramAsync(["-c", "ls /no-such-dir-here 2>&1; sh -c 'echo $0'; /bin/sh -c 'echo $0'"], timeout: TimeSpan.FromSeconds(20));
        Assert.Equal("ls: cannot access '/no-such-dir-here': No such file or directory\nsh\n/bin/sh\n", o.Out);
    }

    [Fact]
    public async Task Program_ReaderOfStdoutGoes_ShellStopsQuietly()
    {
        ShellOutcome o = await ShellRunner.RunBashAsync($"dotnet {ShellRunner.ProgramPath} -c '/usr/bin/yes' | /usr/bin/head -n 1; echo \"${{PIPESTATUS[0]}}\"");
        Assert.Equal("y\n141\n", o.Out);
        Assert.Equal("", o.Err);
    }

    [Fact]
    public async Task Program_YesToClosedStdout_EndsAtOnce_Quietly()
    {
        // yes is a component (in-process: the shell sees EPIPE) or the system's (it dies of SIGPIPE).
        var watch = Stopwatch.StartNew();
        ShellOutcome o = await ShellRunner.RunBashAsync($"dotnet {ShellRunner.ProgramPath} -c 'yes' | /usr/bin/head -n 1; echo \"${{PIPESTATUS[0]}}\"");
        Assert.True(o.Out is "y\n0\n" or "y\n141\n", o.ToString());
        Assert.Equal("", o.Err);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task Program_BuiltinWritingToClosedStdout_StopsQuietly()
    {
        string script = Path.GetTempFileName();
        try
        {
            File.WriteAllText(script, string.Concat(Enumerable.Repeat("echo y\n", 200000)));
            var watch = Stopwatch.StartNew();
            ShellOutcome o = await ShellRunner.RunBashAsync($"dotnet {ShellRunner.ProgramPath} {script} | /usr/bin/head -n 1; echo \"${{PIPESTATUS[0]}}\"");
            Assert.Equal("y\n0\n", o.Out);
            Assert.Equal("", o.Err);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), watch.Elapsed.ToString());
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task Program_OutputToRedirectedFile_SharesOffsetWithOtherWriters()
    {
        ShellOutcome o = await ShellRunner.RunBashAsync($"f=$(mktemp); (dotnet {ShellRunner.ProgramPath} -c 'echo a; echo b >&2' 2>&1; echo c) > $f; /usr/bin/cat $f; rm $f");
        Assert.Equal("a\nb\nc\n", o.Out);
    }
}
