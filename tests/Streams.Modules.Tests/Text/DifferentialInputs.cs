using System.Text;

namespace Streams.Modules.Tests.Text;

/// <summary>Inputs for the differential tests: hand-picked edge cases and random inputs from fixed seeds.</summary>
internal static class DifferentialInputs
{
    /// <summary>Pieces of random text lines: words, numbers, blanks, delimiters, CR, NUL, bytes above 0x7f.</summary>
    public static readonly string[] WordPieces =
        ["a", "B", "b", "ab", "10", "9", "-2", "1.5", " ", "  ", "\t", ":", ",", "x y", "\x80", "\xe9", "Z", "0", "e", "\r", "dup", "Dup", "007"];

    /// <summary>Small inputs every command must get right: empty, no final newline, CRLF, invalid UTF-8, NUL
    /// bytes, blanks, numbers, duplicates, delimiters.</summary>
    public static readonly byte[][] Edge =
    [
        .. new[]
        {
            "",
            "a",
            "a\n",
            "\n",
            "\n\n\n",
            "\r\n",
            "b\na\nc",
            "one two\nthree  four five\n\tsix\n",
            "x\r\ny\r\n\r\nz\r",
            "\xff\xfe\x80 caf\xc3\xa9\n\x80\n\xc3\n",
            "a\0b\nc\0\n\0\n\0",
            "  10 b\n2 a\n-3 c\n+4 d\n1.5 e\nabc f\n\n 007 g\n-0 h\n0 i\n1e3 j\n0x10 k\n.5 l\n- m\n",
            "dup\ndup\nDup\nuniq\ndup\ndup\n",
            "a:b:c\n1:2:3\n::\nnocolon\n:x\nx:\n",
            "a,b,,c\n,\n,,\nq\n",
            "\t\tx\ty\t\n \t \n",
            "A b\na B\nA b\nab\nAB\n",
            "\\:\\:\\:\nhead\n\\:\\:\nbody\n\\:\nfoot\n",
            "%s %d \\n \\t\n",
            "aaa bbb aaa\nabab\nxyzzy\n",
        }.Select(Differential.Bytes),
    ];

    /// <summary>Long lines (over 64 KiB, over 1 MiB) and a large many-line input.</summary>
    public static readonly byte[][] Big =
    [
        Differential.Bytes(new string('x', 70_000) + "\n" + new string('y', 10) + "\n"),
        Differential.Bytes(new string('a', 1 << 20) + "b c\n" + new string('z', (1 << 20) + 5)),
        Differential.Bytes(Lines(new Random(7), 40_000, WordPieces)),
    ];

    /// <summary>Pieces that are all bytes: controls, NUL, high bytes.</summary>
    public static readonly string[] BytePieces = [.. Enumerable.Range(0, 256).Select(i => ((char)i).ToString())];

    /// <summary><paramref name="count"/> random inputs from seeds 1…count: most are lines of words, some
    /// arbitrary bytes.</summary>
    public static IEnumerable<byte[]> Random(int count)
    {
        for (int seed = 1; seed <= count; seed++)
        {
            var random = new Random(seed);
            string[] pieces = seed % 5 == 0 ? BytePieces : WordPieces;
            yield return Differential.Bytes(Lines(random, random.Next(0, 30), pieces));
        }
    }

    /// <summary><see cref="Edge"/>, then <paramref name="random"/> random inputs, then (when
    /// <paramref name="big"/>) <see cref="Big"/>.</summary>
    public static IEnumerable<byte[]> All(int random = 12, bool big = true)
        => Edge.Concat(Random(random)).Concat(big ? Big : []);

    /// <summary>Random lines made of <paramref name="pieces"/>; a third of the time without a final newline.</summary>
    public static string Lines(Random random, int lines, string[] pieces)
    {
        var text = new StringBuilder();
        for (int i = 0; i < lines; i++)
        {
            int n = random.Next(0, 6);
            for (int k = 0; k < n; k++)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            text.Append('\n');
        }

        if (random.Next(3) == 0 && text.Length > 0)
        {
            text.Length--;
        }

        return text.ToString();
    }
}
