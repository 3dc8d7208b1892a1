using Streams.Modules.Text;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

/// <summary><c>grep -r</c> and <c>-R</c> against GNU grep in the same directory tree (so both meet its entries in
/// the same order): names, counts, symbolic links met and given, a directory loop, a dangling link, an empty
/// directory and a FIFO that -r must not open. Stdout and the status are compared.</summary>
public sealed class GrepRecursiveTests : IDisposable
{
    private readonly TempDirectory _tree = Gnu.Files([("a", "foo 1\n"), ("bin", "foo\0\n")]);

    public GrepRecursiveTests()
    {
        string root = _tree.Path;
        Directory.CreateDirectory(Path.Combine(root, "sub", "deep"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        File.WriteAllText(Path.Combine(root, "sub", "b"), "bar\nfoo 2\n");
        File.WriteAllText(Path.Combine(root, "sub", "deep", "c"), "FOO 3\nfoo 4\n");
        File.CreateSymbolicLink(Path.Combine(root, "link"), "a");
        Directory.CreateSymbolicLink(Path.Combine(root, "dlink"), "sub");
        Directory.CreateSymbolicLink(Path.Combine(root, "sub", "deep", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(root, "dangling"), "nowhere");
    }

    public void Dispose() => _tree.Dispose();

    public static TheoryData<string[]> Cases() => new()
    {
        new[] { "-r", "foo" }, new[] { "-r", "foo", "." }, new[] { "-r", "foo", "a" }, new[] { "-r", "foo", "sub/" },
        new[] { "-r", "foo", "sub//" }, new[] { "-rc", "foo", "sub" }, new[] { "-rl", "foo" }, new[] { "-rL", "foo" },
        new[] { "-rh", "foo", "sub" }, new[] { "-rH", "foo", "a" }, new[] { "-rn", "foo", "-", "a" }, new[] { "-r", "foo", "link", "dlink" },
        new[] { "-r", "zzz" }, new[] { "-r", "foo", "nofile", "." }, new[] { "-ri", "foo", "sub" }, new[] { "-rI", "foo" },
        new[] { "-rq", "foo" }, new[] { "-rv", "foo", "sub" }, new[] { "--recursive", "-o", "o*", "sub" }, new[] { "foo", "sub" },
        new[] { "-R", "foo" }, new[] { "-Rc", "foo", "dlink" }, new[] { "-Rl", "foo", "." }, new[] { "--dereference-recursive", "-n", "foo", "sub" },
        new[] { "-rs", "foo", "nofile", "sub" },

        // --include, --exclude, --exclude-dir: base names in the walk, any '/'-suffix of an operand, the last
        // matching file pattern decides, none matching skips only when the first is an --include.
        new[] { "-r", "--include=b", "foo" }, new[] { "-r", "--include=[ab]", "foo" }, new[] { "-r", "--exclude=a", "foo" },
        new[] { "-r", "--exclude=b*", "foo" }, new[] { "-r", "--include=*", "--exclude=a", "foo" },
        new[] { "-r", "--exclude=a", "--include=a", "foo" }, new[] { "-r", "--exclude=x", "--include=c", "foo" },
        new[] { "-r", "--include=c", "--exclude=x", "foo" }, new[] { "-r", "--exclude-dir=deep", "foo" },
        new[] { "-r", "--exclude-dir=sub", "foo", "sub" }, new[] { "-r", "--exclude-dir=s*", "foo", "." },
        new[] { "-r", "--exclude-dir=.", "foo", "." }, new[] { "-r", "--exclude-dir=.", "foo" },
        new[] { "--exclude=a", "foo", "a", "sub/b" }, new[] { "--exclude=b", "foo", "a", "sub/b" },
        new[] { "--exclude=sub/b", "foo", "a", "sub/b" }, new[] { "-r", "--exclude=sub/b", "foo" },
        new[] { "--exclude-dir=sub", "foo", "sub" }, new[] { "--exclude=sub", "foo", "sub" },
        new[] { "-rc", "--include", "c", "--exclude-dir", "deep", "foo" }, new[] { "-R", "--exclude-dir=up", "foo", "sub" },
        new[] { "-r", "--include", "*", "--exclude=*", "foo", "-" }, new[] { "-r", "foo", "--include" },

        // -d ACTION (the last of -d, -r and -R decides), -D ACTION, --exclude-from=FILE.
        new[] { "-d", "skip", "foo", "sub", "a" }, new[] { "-d", "recurse", "foo", "sub" }, new[] { "--directories=read", "foo", "sub", "a" },
        new[] { "-r", "-d", "skip", "foo", "sub" }, new[] { "-d", "skip", "-r", "foo", "sub" }, new[] { "-dbad", "foo", "a" },
        new[] { "-D", "skip", "foo", "a", "/dev/null", "-" }, new[] { "--devices=read", "-c", "foo", "/dev/null" }, new[] { "-D", "x", "foo", "a" },
        new[] { "-r", "--exclude-from=sub/b", "foo" }, new[] { "-r", "--exclude-from=nofile", "foo" }, new[] { "-f", "nofile", "a" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Recursive_MatchesGnu(string[] args)
    {
        byte[] stdin = "foo in\n"u8.ToArray();
        CommandOutcome gnu = await StageHarness.RunReferenceAsync("grep", args, stdin, _tree.Path, TimeSpan.FromSeconds(20));
        CommandOutcome ours = await StageHarness.RunAsync(new GrepCommand(), args, stdin, _tree.Path, TimeSpan.FromSeconds(20));
        Assert.True(gnu.Text == ours.Text && gnu.ExitStatus == ours.ExitStatus,
            $"grep {string.Join(' ', args)}\nGNU  ({gnu.ExitStatus}): {gnu.Text} {gnu.ErrorText}\nours ({ours.ExitStatus}): {ours.Text} {ours.ErrorText}");
    }

    [Fact]
    public async Task Recursive_SkipsAFifoItMeets_AndWarnsOfALoopWithR()
    {
        // GNU -R opens a FIFO it meets and waits on it for ever; -r skips it, and so do we with both.
        string fifo = Path.Combine(_tree.Path, "sub", "fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            Assert.True(mkfifo.WaitForExit(10_000));
        }

        CommandOutcome gnu = await StageHarness.RunReferenceAsync("grep", ["-r", "foo", "sub"], [], _tree.Path, TimeSpan.FromSeconds(20));
        CommandOutcome ours = await StageHarness.RunAsync(new GrepCommand(), ["-r", "foo", "sub"], [], _tree.Path, TimeSpan.FromSeconds(20));
        Assert.Equal((gnu.Text, gnu.ExitStatus), (ours.Text, ours.ExitStatus));

        CommandOutcome all = await StageHarness.RunAsync(new GrepCommand(), ["-R", "foo", "sub"], [], _tree.Path, TimeSpan.FromSeconds(20));
        // The order of a directory's entries is the file system's (ext4: by a hash of the names).
        Assert.Equal(["sub/b:foo 2", "sub/deep/c:foo 4"], all.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Equal("grep: sub/deep/up: warning: recursive directory loop\n", all.ErrorText);
        Assert.Equal(0, all.ExitStatus);
    }
}
