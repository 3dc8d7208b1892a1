using System.Text;

namespace Streams.Shell.Tests;

/// <summary><c>cat</c> from a regular file to the shell's own stdout copies in the kernel (copy_file_range or
/// sendfile): the bytes, the descriptors' offsets and a reader that goes away must all be as with the ordinary
/// copy. These run the built program under <c>sh</c>, so that its stdin and stdout are real files and pipes.</summary>
public sealed class CatKernelCopyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("streams-cat").FullName;
    private readonly byte[] _data;
    private readonly string _input;

    public CatKernelCopyTests()
    {
        var text = new StringBuilder();
        var rng = new Random(11);
        while (text.Length < 3_000_000)
        {
            text.Append("line ").Append(rng.Next()).Append(" of the log, status=").Append(rng.Next(100, 600)).Append('\n');
        }

        _data = Encoding.ASCII.GetBytes(text.ToString());
        _input = Path.Combine(_dir, "in.txt");
        File.WriteAllBytes(_input, _data);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task StdinFileToFile_CopiesAll_AndLeavesBothOffsetsAfterIt()
    {
        // The shell after it goes on at the offsets cat left: END lands after the copy, and nothing of the input
        // is left for the second read.
        ShellOutcome o = await Sh($"{{ {Streams} -c cat; {Streams} -c cat; echo END; }} < in.txt > out.txt");
        Assert.Equal(0, o.Status);
        Assert.Equal("", o.Err);
        Assert.Equal([.. _data, .. "END\n"u8.ToArray()], File.ReadAllBytes(Path.Combine(_dir, "out.txt")));
    }

    [Fact]
    public async Task FilesAndStdinIntoAPipeAndAnAppendedFile_SameBytesAsGnu()
    {
        File.WriteAllText(Path.Combine(_dir, "small.txt"), "small\n");
        File.WriteAllText(Path.Combine(_dir, "appended.txt"), "first\n");
        ShellOutcome o = await Sh($"{Streams} -c 'cat in.txt - in.txt' < small.txt | cat > piped.txt; {Streams} -c 'cat small.txt in.txt' >> appended.txt; {Streams} -c 'cat missing.txt small.txt' > partial.txt; echo $?");
        Assert.Equal("1\n", o.Out);
        Assert.Equal("cat: missing.txt: No such file or directory\n", o.Err);
        Assert.Equal([.. _data, .. "small\n"u8.ToArray(), .. _data], File.ReadAllBytes(Path.Combine(_dir, "piped.txt")));
        Assert.Equal([.. "first\nsmall\n"u8.ToArray(), .. _data], File.ReadAllBytes(Path.Combine(_dir, "appended.txt")));
        Assert.Equal("small\n", File.ReadAllText(Path.Combine(_dir, "partial.txt")));
    }

    [Fact]
    public async Task ReaderGoesAway_TheCopyStopsQuietly()
    {
        ShellOutcome o = await Sh($"{Streams} -c 'cat in.txt in.txt in.txt' | head -c 10; echo \" $?\"");
        Assert.Equal(Encoding.ASCII.GetString(_data, 0, 10) + " 0\n", o.Out);
        Assert.Equal("", o.Err);
    }

    [Fact]
    public async Task InputFileIsOutputFile_IsRefusedAsGnuDoes_InsteadOfGrowingForEver()
    {
        // Through the shell's own stdout (fd 1 in append mode) and through files the shell opened itself; an empty
        // file has nothing left to read and is no error.
        File.WriteAllText(Path.Combine(_dir, "small.txt"), "small\n");
        File.WriteAllText(Path.Combine(_dir, "other.txt"), "other\n");
        File.WriteAllText(Path.Combine(_dir, "empty.txt"), "");
        ShellOutcome o = await Sh(
            $"{Streams} -c 'cat small.txt' >> small.txt; echo $?; "
            + $"{Streams} -c 'cat other.txt small.txt >> small.txt; echo $?; cat - < small.txt 1<> small.txt; echo $?; cat empty.txt >> empty.txt; echo $?'");
        Assert.Equal("1\n1\n1\n0\n", o.Out);
        Assert.Equal("cat: small.txt: input file is output file\ncat: small.txt: input file is output file\ncat: -: input file is output file\n", o.Err);
        Assert.Equal("small\nother\n", File.ReadAllText(Path.Combine(_dir, "small.txt")));
        Assert.Equal("", File.ReadAllText(Path.Combine(_dir, "empty.txt")));
    }

    private static string Streams => $"dotnet '{ShellRunner.ProgramPath}'";

    private Task<ShellOutcome> Sh(string script) => ShellRunner.RunProcessAsync("/bin/sh", ["-c", script], "", _dir, TimeSpan.FromSeconds(60));
}
