namespace Streams.Shell.Tests;

/// <summary>Runs the same command lines through the built <c>streams</c> program and through <c>bash -c</c>
/// (with <c>LC_ALL=C</c>, in identical scratch directories) and compares stdout bytes and exit status.</summary>
public class BashComparisonTests
{
    private static string CreateScratch()
    {
        string dir = Path.Combine(Path.GetTempPath(), "streams-shell-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(Path.Combine(dir, "a.txt"), "alpha\n");
        File.WriteAllText(Path.Combine(dir, "b.txt"), "bravo\n");
        File.WriteAllText(Path.Combine(dir, "c.log"), "charlie\n");
        File.WriteAllText(Path.Combine(dir, ".hidden"), "h\n");
        File.WriteAllText(Path.Combine(dir, "in.txt"), "line1\nline2\nline3\n");
        File.WriteAllText(Path.Combine(dir, "sub", "x.txt"), "x\n");
        File.WriteAllText(Path.Combine(dir, "notexec"), "#!/bin/sh\necho no\n");
        File.WriteAllText(Path.Combine(dir, "exec.sh"), "#!/bin/sh\necho \"script $1\"\nexit 7\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(dir, "exec.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return dir;
    }

    public static TheoryData<string> Lines => new()
    {
        "echo hello world",
        "echo \"a  b\" 'c  d' e\\ \\ f",
        "echo a\\ b \"c\\\"d\" 'e\"f' \"g'h\" \"\\$x\\\\\"",
        "X=5; echo $X ${X}y \"$X\" '$X' $X$X",
        "X=; echo $X x \"$X\"",
        "echo -n abc; echo -e 'a\\tb'; echo -n; echo",
        "echo $?; false; echo $?; true; echo $?",
        "/usr/bin/printf '%s\\n' c b a | /usr/bin/sort | /usr/bin/head -n 2",
        "/usr/bin/seq 1 100000 | /usr/bin/tail -n 1",
        "/usr/bin/seq 1 200000 | /usr/bin/sort -r | /usr/bin/head -n 3",
        "/usr/bin/yes | /usr/bin/head -n 3",
        "/usr/bin/yes | /usr/bin/head -c 5; echo \" $?\"",
        "echo a > f; echo b >> f; /usr/bin/cat f; /usr/bin/cat < f | /usr/bin/wc -l",
        "< in.txt /usr/bin/cat; > created.txt; /usr/bin/ls created.txt",
        "/usr/bin/ls nonexist 2>&1 | /usr/bin/wc -l",
        "/usr/bin/ls nonexist 2> err; echo $?; /usr/bin/wc -l < err",
        "/usr/bin/ls nonexist > out 2>&1; /usr/bin/wc -l < out",
        "/usr/bin/ls nonexist 2>&1 > out | /usr/bin/wc -l; /usr/bin/wc -c < out",
        "echo x 1>&2 2>/dev/null; echo y 2>&1 >/dev/null",
        "echo to-err >&2 | /usr/bin/wc -c",
        "/usr/bin/cat in.txt nonexist 2>/dev/null; echo $?",
        "true && echo yes || echo no",
        "false && echo yes || echo no",
        "false || false && echo x; echo $?",
        "true || echo skipped; echo $?",
        "! true; echo $?; ! false; echo $?",
        "false | true; echo $?",
        "true | false; echo $?",
        "set -o pipefail; false | true; echo $?",
        "set -o pipefail; sh -c 'exit 3' | true; echo $?; set +o pipefail; sh -c 'exit 3' | true; echo $?",
        "nosuchcommand_x; echo $?",
        "/nonexistent/prog; echo $?",
        "./notexec; echo $?",
        "./exec.sh arg; echo $?",
        "exit 3",
        "exit 256",
        "exit -1",
        "echo before; exit 5; echo after",
        "false; exit",
        "echo *.txt",
        "echo [ab].txt ?.log",
        "echo [!a].txt [^b].txt",
        "echo 'a'*",
        "echo nomatch* \"*.txt\" \\*.txt",
        "echo sub/* */x.txt",
        "echo * | /usr/bin/wc -w",
        "/usr/bin/cat *.txt",
        "A=1 sh -c 'echo $A'; echo \"[$A]\"",
        "export B=2; sh -c 'echo $B'",
        "B=3; sh -c 'echo \"[$B]\"'; export B; sh -c 'echo \"[$B]\"'",
        "cd sub && /usr/bin/ls && cd .. && /usr/bin/ls sub",
        "cd nonexist; echo $?",
        "echo a; echo b | /usr/bin/tr a-z A-Z; echo c",
        "echo a # comment | /usr/bin/wc -l",
        "echo one\necho two",
        "echo multi \\\nline",
        "sleep 0.1 & wait; echo done $?",
        "echo a | | b",
        "echo 'unterminated",
        "a &&",
        "echo >",
        "/usr/bin/cat /dev/null; echo $?",
        "/usr/bin/printf 'x\\0y\\n' | /usr/bin/od -c | /usr/bin/head -n 1",
        "sh -c 'kill -TERM $$'; echo $?",
        "echo a 2>>e >&2; /usr/bin/ls nonexist 2>>e; /usr/bin/wc -l < e",
        "/usr/bin/ls a.txt nonexist &>both; /usr/bin/ls nonexist &>>both; /usr/bin/wc -l < both",
        "X=1 Y=2; echo $X$Y; unset X; echo [$X]",
        "true; ! echo hi | /usr/bin/grep -q hi; echo $?",
        "cd /; echo $PWD; cd /usr/bin; echo $PWD; cd; echo $? $PWD",
        "echo \"a\\nb\" 'it''s' \"$HOME\"x\"$HOME\" | /usr/bin/wc -c",
        "echo 2>/dev/null out; echo err 2>&1 1>/dev/null",
        "/usr/bin/seq 3 > s; /usr/bin/sort -r < s > t; /usr/bin/cat t",
        // tee -p and the --output-error modes that go on once the reader of stdout has gone: the files get everything.
        "/usr/bin/seq 100000 | tee -p f | head -n 1; wc -l < f; /usr/bin/seq 100000 | tee --output-error=warn g 2>/dev/null | head -n 1; wc -l < g; /usr/bin/seq 100000 | tee --output-error=exit-nopipe h | head -n 1; wc -l < h; /usr/bin/seq 100000 | tee -p | head -n 1; echo $?; set -o pipefail; /usr/bin/seq 100000 | tee --output-error=warn k 2>/dev/null | head -n 1; echo $?",
        "/usr/bin/seq 1000 > n; /usr/bin/seq 5 > s; printf 'n\\0s\\0' | wc --files0-from=-; printf 'n\\0-\\0\\0s' | wc -l --files0-from=-; printf 's\\0' | wc --files0-from=-; printf 's\\0n\\0' | sort -n --files0-from=- | tail -n 3; printf 's\\0-\\0' | sort --files0-from=-; printf '' | sort --files0-from=-",
        "/usr/bin/seq 1000 > n; wc < n; wc -lw < n; /usr/bin/cat n | wc; wc n - < n; wc < /dev/null; wc -c - n < /dev/null",
        "echo one; # comment; echo two\necho three",
        "/usr/bin/false; echo $?; /usr/bin/true; echo $?",
        "echo x | /usr/bin/false | /usr/bin/true; echo $?; set -o pipefail; echo x | /usr/bin/false | /usr/bin/true; echo $?",
        "! ! true; echo $?; ! ! false; echo $?; ! ! ! true; echo $?",
        "echo a\\",

        // /dev/stdin, /dev/stdout and /dev/stderr are the command's own, as file operands and as redirections.
        "echo hi | cat /dev/stdin; seq 3 | tee /dev/stdout | wc -l; echo hi | grep -H h /dev/stdin; echo hi | grep -c h - /dev/stdin",
        "seq 3 | head -n 1 /dev/stdin; echo a | cat < /dev/stdin; echo err > /dev/stderr | wc -c; echo out > /dev/stdout | wc -c",
        "echo x 2>&1 >/dev/stderr | wc -c; seq 2 | tee /dev/stderr >/dev/null | wc -c; echo y | cat - /dev/fd/0",
        "echo hi >&99999999999; echo $?; echo hi >&5; echo $?",

        // grep -T aligns numbers to the digits of a regular input's size (stdin included), 19 for a pipe.
        // grep --color=always as GNU's, under GREP_COLORS and the deprecated GREP_COLOR.
        "printf 'alpha\\nbeta x\\ngamma x y\\n\\nx\\n' > g; GREP_COLORS='ms=4:ln=33:se=35:fn=1' grep --color=always -Hn x g; GREP_COLORS='rv:sl=7:cx=2' grep --color=always -v -A1 beta g; GREP_COLORS=ne grep --color=always -bT x g; GREP_COLOR=4 grep --color=always x g 2>/dev/null; GREP_COLORS='mt=1;32:x=1:fn=7:ms=q:ln=4' grep --color=always -nH a g",
        "/usr/bin/seq 200 > n; grep -nT 9 < n; grep -bT -e 5 - n < n; /usr/bin/cat n | grep -nbT 7; grep -cZ 1 n - < n",
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public async Task CommandLine_StdoutAndStatus_MatchBash(string line)
    {
        string ours = CreateScratch();
        string theirs = CreateScratch();
        try
        {
            ShellOutcome expected = await ShellRunner.RunBashAsync(line, "", theirs);
            ShellOutcome actual = await ShellRunner.RunProgramAsync(["-c", line], "", ours);
            Assert.True(expected.Out == actual.Out && expected.Status == actual.Status, $"bash:\n{expected}\nstreams:\n{actual}");
        }
        finally
        {
            Directory.Delete(ours, true);
            Directory.Delete(theirs, true);
        }
    }

    [Fact]
    public async Task PositionalParameters_MatchBash()
    {
        string[] args = ["-c", "echo $0 $1 $2 $#; /usr/bin/printf '[%s]\\n' \"$@\"; echo \"$*\"", "zero", "a b", "c"];
        ShellOutcome expected = await ShellRunner.RunProcessAsync("/bin/bash", args, "", null, null);
        ShellOutcome actual = await ShellRunner.RunProgramAsync(args);
        Assert.Equal(expected.Out, actual.Out);
        Assert.Equal(expected.Status, actual.Status);
    }

    [Fact]
    public async Task StdinScript_RunsLineByLine_LikeBash()
    {
        const string script = "echo one\nX=2\necho $X\nfalse\necho $?\nexit 4\necho never\n";
        ShellOutcome expected = await ShellRunner.RunProcessAsync("/bin/bash", [], script, null, null);
        ShellOutcome actual = await ShellRunner.RunProgramAsync([], script);
        Assert.Equal(expected.Out, actual.Out);
        Assert.Equal(4, actual.Status);
        Assert.Equal(expected.Status, actual.Status);
    }

    [Theory]
    [InlineData("echo a\\\necho b\n")]
    [InlineData("echo \"a\nb\"\necho c\\\nd\n")]
    [InlineData("echo x\\")]
    [InlineData("echo x \\\n\n echo y\n")]
    [InlineData("echo 'p\\\nq'\n")]
    public async Task StdinScript_BackslashNewline_JoinsLinesLikeBash(string script)
    {
        // A line ending in a backslash continues on the next one, also when commands run line by line; a backslash
        // at the very end of the input is dropped.
        ShellOutcome expected = await ShellRunner.RunProcessAsync("/bin/bash", [], script, null, null);
        ShellOutcome actual = await ShellRunner.RunProgramAsync([], script);
        Assert.Equal(expected.Out, actual.Out);
        Assert.Equal(expected.Status, actual.Status);
    }

    [Theory]
    [InlineData("head -n 1\nline1\nline2\necho done\n")]
    [InlineData("head -c 3\nabcecho done\nhead -n 2 | tr a-z A-Z\nx\ny\necho end\n")]
    [InlineData("/usr/bin/head -n 1\nline1\nhead -n 1\nline2\n/usr/bin/head -n 1\nline3\necho done\n")]
    public async Task FileScript_OnStdin_CommandTakesOnlyWhatItUses(string script)
    {
        // A script on stdin that is a regular file: a command reading stdin leaves the rest of the script (GNU head
        // seeks back; our head gives back what it read ahead), as bash with the GNU tools does.
        string file = Path.Combine(Path.GetTempPath(), "streams-script-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, script);
        try
        {
            ShellOutcome expected = await ShellRunner.RunProcessAsync("/bin/sh", ["-c", "exec /bin/bash < \"$0\"", file], "", null, null);
            ShellOutcome actual = await ShellRunner.RunProcessAsync("/bin/sh", ["-c", "exec dotnet \"$1\" < \"$0\"", file, ShellRunner.ProgramPath], "", null, null);
            Assert.Equal(expected.Out, actual.Out);
            Assert.Equal(expected.Status, actual.Status);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task PipeScript_OnStdin_HeadLeavesTheRest()
    {
        // Over a pipe GNU head takes a whole block and bash loses the rest of the script; ours gives back what it
        // did not use, so the script goes on.
        ShellOutcome actual = await ShellRunner.RunProgramAsync([], "head -n 1\nline1\necho done\n");
        Assert.Equal("line1\ndone\n", actual.Out);
    }

    [Fact]
    public async Task StdinScript_CommandReadingStdin_GetsTheRest()
    {
        const string script = "echo first\n/usr/bin/cat\nthis is data\nand more\n";
        ShellOutcome expected = await ShellRunner.RunProcessAsync("/bin/bash", [], script, null, null);
        ShellOutcome actual = await ShellRunner.RunProgramAsync([], script);
        Assert.Equal(expected.Out, actual.Out);
    }

    [Fact]
    public async Task ScriptFile_GetsArguments_AndStopsAtSyntaxError()
    {
        string dir = CreateScratch();
        try
        {
            string path = Path.Combine(dir, "script.sh");
            File.WriteAllText(path, "echo \"$0\" | /usr/bin/wc -c\necho $1-$2\n# comment\n/usr/bin/ls *.txt\necho a | | b\necho not reached\n");
            ShellOutcome expected = await ShellRunner.RunProcessAsync("/bin/bash", [path, "x", "y"], "", dir, null);
            ShellOutcome actual = await ShellRunner.RunProgramAsync([path, "x", "y"], "", dir);
            Assert.Equal(expected.Out, actual.Out);
            Assert.Equal(2, actual.Status);
            Assert.Equal(expected.Status, actual.Status);
            Assert.Contains("streams: syntax error at line 5, column 10: unexpected '|'\necho a | | b\n         ^\n", actual.Err);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
