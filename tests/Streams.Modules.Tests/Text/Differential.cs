using System.Text;
using Streams.Components;
using Streams.Modules.Text;
using Streams.Pipelines;
using Streams.Testing;

namespace Streams.Modules.Tests.Text;

/// <summary>Runs a command through our implementation and through the GNU tool (LC_ALL=C) on the same input,
/// and describes every difference in stdout bytes or exit status.</summary>
internal static class Differential
{
    private static readonly ComponentRegistry Registry = new ComponentRegistry().AddTextCommands();

    /// <summary>At most this many comparisons run at once (each starts a GNU process).</summary>
    private static readonly SemaphoreSlim Gate = new(Math.Max(2, Environment.ProcessorCount));

    /// <summary>A fresh instance of our command <paramref name="name"/>.</summary>
    public static PipelineStage Create(string name) => Registry.All.First(d => d.Name == name).CreateCommand!(false);

    /// <summary>Runs both and returns null when stdout and status agree, else a description of the difference.</summary>
    public static async Task<string?> CompareAsync(string program, IReadOnlyList<string> args, byte[] input, string? directory = null)
    {
        await Gate.WaitAsync();
        try
        {
            CommandOutcome gnu = await StageHarness.RunReferenceAsync(program, args, input, directory, TimeSpan.FromSeconds(20));
            CommandOutcome ours = await StageHarness.RunAsync(Create(program), args, input, directory, TimeSpan.FromSeconds(20));
            return Describe(program, args, input, gnu, ours);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>As <see cref="CompareAsync"/>, but each side runs in a directory of its own holding
    /// <paramref name="files"/>, and the file <paramref name="outputFile"/> (when not null) that each leaves there is
    /// compared too (a missing one as empty); also returns GNU's outcome, to feed a next command.</summary>
    public static async Task<(string? Difference, CommandOutcome Gnu)> CompareInDirectoriesAsync(
        string program, IReadOnlyList<string> args, byte[] input, IReadOnlyList<(string Name, byte[] Content)> files, string? outputFile = null)
    {
        string gnuDirectory = Directory.CreateTempSubdirectory("differential-gnu-").FullName;
        string ourDirectory = Directory.CreateTempSubdirectory("differential-ours-").FullName;
        await Gate.WaitAsync();
        try
        {
            foreach ((string name, byte[] content) in files)
            {
                await File.WriteAllBytesAsync(Path.Combine(gnuDirectory, name), content);
                await File.WriteAllBytesAsync(Path.Combine(ourDirectory, name), content);
            }

            CommandOutcome gnu = await StageHarness.RunReferenceAsync(program, args, input, gnuDirectory, TimeSpan.FromSeconds(20));
            CommandOutcome ours = await StageHarness.RunAsync(Create(program), args, input, ourDirectory, TimeSpan.FromSeconds(20));
            string? difference = Describe(program, args, input, gnu, ours);
            if (difference == null && outputFile != null)
            {
                byte[] gnuFile = ReadIfExists(Path.Combine(gnuDirectory, outputFile));
                byte[] ourFile = ReadIfExists(Path.Combine(ourDirectory, outputFile));
                if (!gnuFile.AsSpan().SequenceEqual(ourFile))
                {
                    difference = $"{program} {string.Join(' ', args.Select(Quote))} <<< {Show(input)}\n" +
                        $"  GNU  {outputFile}: {Show(gnuFile)}\n  ours {outputFile}: {Show(ourFile)}";
                }
            }

            return (difference, gnu);
        }
        finally
        {
            Gate.Release();
            Directory.Delete(gnuDirectory, recursive: true);
            Directory.Delete(ourDirectory, recursive: true);
        }
    }

    private static byte[] ReadIfExists(string path) => File.Exists(path) ? File.ReadAllBytes(path) : [];

    private static string? Describe(string program, IReadOnlyList<string> args, byte[] input, CommandOutcome gnu, CommandOutcome ours)
    {
        if (gnu.Stdout.AsSpan().SequenceEqual(ours.Stdout) && gnu.ExitStatus == ours.ExitStatus)
        {
            return null;
        }

        return $"{program} {string.Join(' ', args.Select(Quote))} <<< {Show(input)}\n" +
                $"  GNU  (status {gnu.ExitStatus}): {Show(gnu.Stdout)} {Show(gnu.Stderr)}\n" +
                $"  ours (status {ours.ExitStatus}): {Show(ours.Stdout)} {Show(ours.Stderr)}\n" +
            $"  first difference at byte {FirstDifference(gnu.Stdout, ours.Stdout)}";
    }

    /// <summary>Compares on every input (concurrently) and fails with the first few differences.</summary>
    public static async Task AssertSameAsync(string program, IReadOnlyList<string> args, IEnumerable<byte[]> inputs, string? directory = null)
        => AssertNone(await FindDifferencesAsync(program, args, inputs, directory));

    /// <summary>As <see cref="AssertSameAsync"/>, but returns a description of each difference (null where
    /// there is none).</summary>
    /// <remarks>One GNU process per input, started from here: cheaper than a bash loop of <c>cat IN | CMD</c>,
    /// which forks twice per input.</remarks>
    public static Task<string?[]> FindDifferencesAsync(string program, IReadOnlyList<string> args, IEnumerable<byte[]> inputs, string? directory = null)
        => Task.WhenAll(inputs.Select(input => CompareAsync(program, args, input, directory)));

    /// <summary>Fails listing the non-null entries of <paramref name="differences"/>.</summary>
    public static void AssertNone(IEnumerable<string?> differences)
    {
        List<string> found = differences.OfType<string>().ToList();
        Assert.True(found.Count == 0, $"{found.Count} difference(s) from GNU:\n" + string.Join("\n", found.Take(6)));
    }

    /// <summary>Bytes of a string whose chars are all below 256.</summary>
    public static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>A short printable rendering of <paramref name="bytes"/> for failure messages.</summary>
    public static string Show(byte[] bytes)
    {
        var text = new StringBuilder("\"");
        foreach (byte b in bytes.Take(160))
        {
            text.Append(b switch
            {
                (byte)'\n' => "\\n",
                (byte)'\t' => "\\t",
                (byte)'\r' => "\\r",
                (byte)'\\' => "\\\\",
                (byte)'"' => "\\\"",
                < 0x20 or >= 0x7f => $"\\x{b:x2}",
                _ => ((char)b).ToString(),
            });
        }

        text.Append('"');
        if (bytes.Length > 160)
        {
            text.Append($"…[{bytes.Length} bytes]");
        }

        return text.ToString();
    }

    private static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-+.,:/=_%".Contains(c, StringComparison.Ordinal)) ? arg : "'" + arg + "'";

    private static int FirstDifference(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return a.Length == b.Length ? -1 : n;
    }
}
