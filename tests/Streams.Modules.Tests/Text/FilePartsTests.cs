using System.Text;
using Microsoft.Win32.SafeHandles;
using Streams.Modules.Text.Internal;

namespace Streams.Modules.Tests.Text;

/// <summary>The chunks <c>wc</c> and <c>grep -c</c> read a large file in, one per thread at a time: whatever the
/// chunk size, the number of threads and the lines, every line reaches exactly one scanner whole (only the file's
/// unterminated last line may lack its newline), and the scan ends where a sequential read would have.</summary>
public sealed class FilePartsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("streams-parts").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void EveryLine_ReachesOneScanner_Whole(int seed)
    {
        var rng = new Random(seed);
        for (int round = 0; round < 60; round++)
        {
            byte[] data = RandomLines(rng);
            long start = rng.Next(3) == 0 ? rng.Next(data.Length + 1) : 0;
            long chunk = rng.Next(4) switch { 0 => 1, 1 => rng.Next(1, 8), 2 => rng.Next(8, 200), _ => rng.Next(200, 5000) };
            int threads = rng.Next(1, 5);
            string path = Path.Combine(_dir, "f");
            File.WriteAllBytes(path, data);

            var states = new List<byte[]>[threads];
            for (int i = 0; i < threads; i++)
            {
                states[i] = [];
            }

            long end;
            using (SafeFileHandle file = File.OpenHandle(path))
            {
                end = FileParts.Scan(file, start, states, (ref List<byte[]> seen, Span<byte> block) => seen.Add(block.ToArray()), CancellationToken.None, chunk);
            }

            string what = $"seed {seed} round {round}: {data.Length} bytes from {start}, chunks of {chunk}, {threads} threads";
            Assert.True(end == Math.Max(data.Length, start), what);
            List<byte[]> blocks = states.SelectMany(s => s).ToList();
            Assert.All(blocks, b => Assert.True(b.Length > 0, what));
            bool unterminated = data.Length > start && data[^1] != (byte)'\n';
            Assert.True(blocks.Count(b => b[^1] != (byte)'\n') == (unterminated ? 1 : 0), what);
            Assert.Equal(Lines(data.AsSpan((int)Math.Min(start, data.Length))), blocks.SelectMany(b => Lines(b)).Order(StringComparer.Ordinal).ToList());
        }
    }

    [Fact]
    public void AFileThatGrows_IsReadToItsNewEnd()
    {
        string path = Path.Combine(_dir, "g");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("line\n", 100))));
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long total = 0;
        bool grown = false;
        var states = new long[2];
        long end = FileParts.Scan(file, 0, states, (ref long n, Span<byte> block) =>
        {
            n += block.Length;
            if (!Volatile.Read(ref grown))
            {
                // The first block seen by either thread appends to the file before the last chunk has ended.
                lock (states)
                {
                    if (!grown)
                    {
                        File.AppendAllText(path, "more\nmore\n");
                        grown = true;
                    }
                }
            }
        }, CancellationToken.None, 64);
        total = states.Sum();
        Assert.Equal(510, end);
        Assert.Equal(510, total);
    }

    [Fact]
    public void AScannerThatThrows_FailsTheScan()
    {
        string path = Path.Combine(_dir, "h");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("line\n", 1000))));
        using SafeFileHandle file = File.OpenHandle(path);
        var states = new int[3];
        var ex = Assert.Throws<InvalidDataException>(() => FileParts.Scan(file, 0, states, (ref int n, Span<byte> block) =>
        {
            if (++n == 2)
            {
                throw new InvalidDataException("scanner");
            }
        }, CancellationToken.None, 100));
        Assert.Equal("scanner", ex.Message);
    }

    // Lines of 0 to a few hundred bytes, now and then one far longer than any chunk, with or without a final newline.
    private static byte[] RandomLines(Random rng)
    {
        var bytes = new List<byte>();
        int count = rng.Next(0, 60);
        for (int i = 0; i < count; i++)
        {
            int length = rng.Next(10) == 0 ? rng.Next(1000, 12000) : rng.Next(0, rng.Next(1, 300));
            for (int j = 0; j < length; j++)
            {
                bytes.Add((byte)rng.Next('a', 'z' + 1));
            }

            if (i < count - 1 || rng.Next(2) == 0)
            {
                bytes.Add((byte)'\n');
            }
        }

        return [.. bytes];
    }

    // The lines of a block (a last one without its newline included), sorted.
    private static List<string> Lines(ReadOnlySpan<byte> data)
    {
        var lines = new List<string>();
        while (!data.IsEmpty)
        {
            int newline = data.IndexOf((byte)'\n');
            int length = newline < 0 ? data.Length : newline + 1;
            lines.Add(Encoding.Latin1.GetString(data[..length]));
            data = data[length..];
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }
}
