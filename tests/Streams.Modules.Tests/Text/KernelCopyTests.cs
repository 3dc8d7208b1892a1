using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using Streams.Modules.Text.Internal;

namespace Streams.Modules.Tests.Text;

/// <summary>The blocks <c>cat</c> reserves for its output ahead of a kernel copy: the bytes and the size are
/// never changed by them, and what an input that shrank left unused is given back.</summary>
public sealed class KernelCopyTests : IDisposable
{
    private const int MiB = 1 << 20;
    private readonly string _dir = Directory.CreateTempSubdirectory("streams-kcopy").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Copy_OfALargeFile_GivesItsBytes_AndNoBlockMoreThanAPlainWrite()
    {
        byte[] data = Data(3 * MiB + 123);
        string input = Write("in", data);
        string plain = Write("plain", data);
        string output = Path.Combine(_dir, "out");
        using (SafeFileHandle source = File.OpenHandle(input))
        using (SafeFileHandle target = File.OpenHandle(output, FileMode.Create, FileAccess.Write))
        {
            Assert.True(KernelCopy.TryCopy(Fd(source), Fd(target), CancellationToken.None));
        }

        Assert.Equal(data, File.ReadAllBytes(output));
        Assert.Equal(Blocks(plain), Blocks(output));
    }

    [Fact]
    public void Reservation_KeepsTheSize_AndWhatWasNotWrittenIsGivenBack()
    {
        byte[] data = Data(4 * MiB);
        string input = Write("in", data);
        string output = Path.Combine(_dir, "out");
        using SafeFileHandle source = File.OpenHandle(input);
        using SafeFileHandle target = File.OpenHandle(output, FileMode.Create, FileAccess.ReadWrite);
        KernelCopy.Reservation reservation = KernelCopy.Reserve(Fd(source), Fd(target));

        // The 4 MiB are reserved (an ext4 or tmpfs test directory supports fallocate), the file is still empty.
        Assert.Equal(new KernelCopy.Reservation(0, 4 * MiB), reservation);
        Assert.Equal(0, RandomAccess.GetLength(target));
        Assert.True(Blocks(output) >= 4 * MiB / 512, $"{Blocks(output)} blocks reserved");

        // The input "shrank" to 1 MiB: the other 3 are punched out past the end, the bytes and size stay.
        RandomAccess.Write(target, data.AsSpan(0, MiB), 0);
        reservation.Release(Fd(target), MiB);
        Assert.Equal(data.AsSpan(0, MiB).ToArray(), File.ReadAllBytes(output));
        Assert.True(Blocks(output) <= MiB / 512 + 16, $"{Blocks(output)} blocks left for 1 MiB");
    }

    [Fact]
    public void Reserve_SkipsSmallInputs_AndPipes()
    {
        string small = Write("small", Data(MiB - 1));
        using SafeFileHandle smallInput = File.OpenHandle(small);
        using SafeFileHandle writing = File.OpenHandle(Path.Combine(_dir, "other"), FileMode.Create, FileAccess.Write);
        Assert.Equal(default, KernelCopy.Reserve(Fd(smallInput), Fd(writing)));

        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        Assert.Equal(default, KernelCopy.Reserve((int)pipe.ClientSafePipeHandle.DangerousGetHandle(), Fd(writing)));
    }

    private static byte[] Data(int length)
    {
        var data = new byte[length];
        new Random(5).NextBytes(data);
        return data;
    }

    private string Write(string name, byte[] data)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    // st_blocks (512-byte units), after the file's dirty pages are written so delayed allocation has happened.
    private static long Blocks(string path)
    {
        using (var process = Process.Start(new ProcessStartInfo("sync", ["-f", path]))!)
        {
            Assert.True(process.WaitForExit(30_000), "sync did not end");
        }

        var info = new ProcessStartInfo("stat", ["-c", "%b", path]) { RedirectStandardOutput = true };
        using var stat = Process.Start(info)!;
        string text = stat.StandardOutput.ReadToEnd();
        Assert.True(stat.WaitForExit(30_000), "stat did not end");
        return long.Parse(text.Trim());
    }
}
