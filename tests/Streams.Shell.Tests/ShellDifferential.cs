using System.Text;
using System.Text.RegularExpressions;

namespace Streams.Shell.Tests;

/// <summary>Runs one command line through <c>bash -c</c> and through the built <c>streams -c</c>, each in a fresh
/// scratch directory, and describes how they differ: stdout, exit status, the files left in the directory, and
/// whether something was written to stderr (its text may differ; a .NET stack trace in ours never may).</summary>
internal static partial class ShellDifferential
{
    /// <summary>Two comparisons (four processes, one after the other within each) at a time.</summary>
    private static readonly SemaphoreSlim Gate = new(2);

    /// <summary>The variables a generated line uses start unset on both sides.</summary>
    private static readonly Dictionary<string, string?> Variables = new()
    {
        ["X"] = null,
        ["Y"] = null,
        ["U"] = null,
        ["OLDPWD"] = null,
    };

    /// <summary>A fresh directory with <c>a.txt</c>, <c>b.log</c>, <c>sp ace</c> and <c>dir/x.txt</c>.</summary>
    public static string CreateScratch()
    {
        string dir = Path.Combine(Path.GetTempPath(), "streams-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "dir"));
        File.WriteAllText(Path.Combine(dir, "a.txt"), "alpha\nbeta\n");
        File.WriteAllText(Path.Combine(dir, "b.log"), "one\ntwo\nthree\n");
        File.WriteAllText(Path.Combine(dir, "sp ace"), "spaced out\n");
        File.WriteAllText(Path.Combine(dir, "dir", "x.txt"), "x\n");
        return dir;
    }

    /// <summary>Runs <paramref name="line"/> both ways; null when they agree, else a description.</summary>
    public static async Task<string?> CompareAsync(string line)
    {
        await Gate.WaitAsync();
        string theirs = CreateScratch();
        string ours = CreateScratch();
        try
        {
            ShellOutcome bash = await ShellRunner.RunProcessAsync("/bin/bash", ["-c", line], "", theirs, TimeSpan.FromSeconds(20), Variables);
            ShellOutcome streams = await ShellRunner.RunProcessAsync("dotnet", [ShellRunner.ProgramPath, "-c", line], "", ours, TimeSpan.FromSeconds(20), Variables);
            return Describe(line, bash, Snapshot(theirs), streams, Snapshot(ours));
        }
        catch (TimeoutException ex)
        {
            return $"{Show(line)}: {ex.Message}";
        }
        finally
        {
            Gate.Release();
            Directory.Delete(theirs, true);
            Directory.Delete(ours, true);
        }
    }

    /// <summary>Fails listing the first few non-null entries of <paramref name="differences"/>.</summary>
    public static void AssertNone(IEnumerable<string?> differences)
    {
        List<string> found = differences.OfType<string>().ToList();
        Assert.True(found.Count == 0, $"{found.Count} difference(s) from bash:\n" + string.Join("\n", found.Take(8)));
    }

    private static string? Describe(string line, ShellOutcome bash, string theirFiles, ShellOutcome streams, string ourFiles)
    {
        var problems = new List<string>();
        string expected = Normalize(bash.Out);
        string actual = Normalize(streams.Out);
        if (expected != actual)
        {
            problems.Add("stdout");
        }

        if (bash.Status != streams.Status)
        {
            problems.Add("status");
        }

        if (Normalize(theirFiles) != Normalize(ourFiles))
        {
            problems.Add("files");
        }

        if ((bash.Stderr.Length == 0) != (streams.Stderr.Length == 0))
        {
            problems.Add("stderr");
        }

        if (streams.Err.Contains("Exception", StringComparison.Ordinal) || streams.Err.Contains("\n   at ", StringComparison.Ordinal))
        {
            problems.Add("stack trace");
        }

        return problems.Count == 0
            ? null
            : $"{Show(line)} differs in {string.Join(", ", problems)}\n" +
              $"  bash    (status {bash.Status}): {Show(bash.Out)} err {Show(bash.Err)} files {Show(theirFiles)}\n" +
              $"  streams (status {streams.Status}): {Show(streams.Out)} err {Show(streams.Err)} files {Show(ourFiles)}";
    }

    /// <summary>The shell's own error prefix (<c>/bin/bash: line 1: </c>, <c>streams: </c>) made the same, where an
    /// error message went into stdout or a file, also after the generator's <c>tr</c> filters (which change case,
    /// delete <c>a</c> or map <c>ab</c> to <c>xy</c>).</summary>
    private static string Normalize(string text) => ShellPrefix().Replace(text, "SHELL: ");

    [GeneratedRegex(@"(?:/[a-z]+/)?[by][ax]?sh: line \d+: |\bstre[ax]?ms: ", RegexOptions.IgnoreCase)]
    private static partial Regex ShellPrefix();

    /// <summary>Every file and directory under <paramref name="root"/> (but the root) with its content, sorted.</summary>
    private static string Snapshot(string root)
    {
        var entries = new List<string>();
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetRelativePath(root, path);
            entries.Add(Directory.Exists(path) ? name + "/" : name + "=" + File.ReadAllText(path));
        }

        entries.Sort(StringComparer.Ordinal);
        return string.Join("|", entries);
    }

    /// <summary>A one-line rendering with escapes, cut at 300 characters.</summary>
    public static string Show(string text)
    {
        var shown = new StringBuilder("\"");
        foreach (char c in text.Take(300))
        {
            shown.Append(c switch
            {
                '\n' => "\\n",
                '\t' => "\\t",
                '\\' => "\\\\",
                '"' => "\\\"",
                < ' ' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return shown.Append(text.Length > 300 ? "\"…" : "\"").ToString();
    }
}
