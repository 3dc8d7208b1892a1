using System.Text;

namespace Streams.Modules.Tests.Text;

/// <summary>tr's arrays, echo's and printf's arguments, seq's numbers and formats, and the random inputs.</summary>
internal sealed partial class CoreutilsFuzzCases
{
    private static readonly string[] Classes =
        ["[:alpha:]", "[:digit:]", "[:lower:]", "[:upper:]", "[:space:]", "[:punct:]", "[:alnum:]", "[:blank:]", "[:cntrl:]", "[:xdigit:]", "[:print:]", "[:graph:]"];

    private (string[] Args, byte[] Input) Tr()
    {
        var args = new List<string>();
        bool complement = random.Next(4) == 0;
        if (complement)
        {
            args.Add(Pick("-c", "-C", "--complement"));
        }

        // Classes other than upper and lower in ARRAY2 are usage errors when translating: rarely.
        switch (random.Next(6))
        {
            case 0 or 1:
                if (random.Next(5) == 0)
                {
                    args.Add(Pick("-t", "--truncate-set1"));
                }

                if (random.Next(4) == 0)
                {
                    args.Add(Pick("-s", "--squeeze-repeats"));
                }

                args.Add(Array(first: true));
                args.Add(Array(first: false));
                break;
            case 2: args.Add(Pick("-d", "--delete")); args.Add(Array(first: true)); break;
            case 3: args.Add(Pick("-s", "--squeeze-repeats")); args.Add(Array(first: true)); break;
            case 4: args.Add(Pick("-ds", "-sd")); args.Add(Array(first: true)); args.Add(Array(first: true)); break;
            default: args.Add("-s"); args.Add(Array(first: true)); args.Add(Array(first: false)); break;
        }

        return ([.. args], Input(["a", "b", "c", "x", "A", "Z", "0", "9", " ", "  ", "\t", "\\", ".", "-", "\0", "\x01", "\x7f", "aa", "\n"], highBytes: true));
    }

    /// <summary>A tr array of one to four pieces; ARRAY2 may hold repeats and, rarely, a class.</summary>
    private string Array(bool first)
    {
        var text = new StringBuilder();
        int count = random.Next(1, 5);
        for (int i = 0; i < count; i++)
        {
            text.Append(random.Next(first ? 10 : 12) switch
            {
                0 or 1 => Pick("a", "b", "x", "Z", "0", " ", ".", "-", "ab", "ba", "aa"),
                2 => Pick("\\n", "\\t", "\\\\", "\\0", "\\101", "\\012", "\\200", "\\377", "\\a", "\\-", "\\8", "\\400", "\\1234", "\\q", "\\"),
                3 or 4 => Pick("a-c", "x-z", "0-9", "A-Z", "a-z", "\\000-\\037", "\\200-\\377", "b-a", "a-a", "a\\-z", "[a-c]", "-a", "a-", "\\n-\\r"),
                5 or 6 => first || random.Next(4) == 0 ? Pick(Classes) : Pick("[:lower:]", "[:upper:]"),
                7 => Pick("[=a=]", "[=.=]", "[=ab=]", "[==]"),
                8 => Pick("[", "[:alpha:", "[:foo:]", "[=", "]", "[:"),
                9 => first ? Pick("a", "\\n") : "x",
                _ => Pick("[x*]", "[y*3]", "[z*02]", "[\\n*2]", "[-*]", "[a*0]", "[b*09]", "[c*x]", "[d*1000]", "[x*"),
            });
        }

        return text.ToString();
    }

    private string[] Echo()
    {
        var args = new List<string>();
        int options = random.Next(0, 3);
        for (int i = 0; i < options; i++)
        {
            args.Add(Pick("-n", "-e", "-E", "-ne", "-en", "-nE", "-eE", "--", "-x", "-"));
        }

        int words = random.Next(0, 4);
        for (int i = 0; i < words; i++)
        {
            args.Add(Text(["a", " ", "b c", "\\n", "\\t", "\\\\", "\\c", "\\0101", "\\0", "\\01", "\\101", "\\x41", "\\x4", "\\x", "\\xfg",
                "\\e", "\\a", "\\b", "\\f", "\\v", "\\r", "\\q", "\\", "-n", "\xe9", "%"], 4));
        }

        return [.. args];
    }

    private string[] Printf()
    {
        string format = Text(["a", " ", "|", "%s", "%d", "%x", "%o", "%c", "%b", "%5.2f", "%-8s", "%i", "%u", "%X", "%e", "%g", "%5d", "%-5d",
            "%05d", "%.3s", "%%", "%#x", "%+d", "% d", "%*d", "%.2f", "%10.3e", "\\n", "\\t", "\\\\", "\\101", "\\x41", "\\\"", "\\0", "\\c",
            "\\q", "%s\\n", "%d\\n", "%#o", "%#X", "%08.3f", "%-+5d", "%*.*f", "%.0e", "%G", "%E", "%c|", "%10s", "%-3c", "%.1s",
            "%'d", "%x\\n", "\\u00e9", "\\x", "\\1234", "%5%", "%.*s", "%+.3e", "% 05d", "%-08x"], 5);
        var args = new List<string> { format };
        int count = random.Next(0, 6);
        for (int i = 0; i < count; i++)
        {
            args.Add(Pick("1", "-2", "0x1F", "010", "'A", "\"b", "abc", "3.5", "-0", "", "1e2", " 7", "7 ", "hello", "a\\tb", "\\0101x", "\\c",
                "255", "-1", "2.5", "+3", "\xe9", "0", "9999999999", "1,5", "'\xc3\xa9", "0x", "-0x10", "1e-5", "1e15", "-inf",
                "nan", "0.1", "077", "08", "\\x41\\0\\101", "'", "18446744073709551616", "-9223372036854775808", "\\u00e9"));
        }

        return [.. args];
    }

    private string[] Seq()
    {
        var args = new List<string>();
        if (random.Next(3) == 0)
        {
            Option(args, "-s", "--separator", Pick(",", "", ": ", "\\n", "\t"));
        }

        bool format = random.Next(3) == 0;
        if (format)
        {
            Option(args, "-f", "--format", Pick("%g", "%.2f", "%05.1f", "%e", "x%gy", "%G", "%3g", "%-5g|", "%%%g", "%.0f", "%+g", "%#g", "%f", "%10.3f", "%-10g|",
                "%E", "%.3e", "%d", "%s", "%g%g", "", "%", "%'g", "% g", "%0g"));
        }

        if (random.Next(format ? 12 : 3) == 0)
        {
            args.Add(Pick("-w", "--equal-width"));
        }

        // Small ranges: at most a few hundred numbers.
        string first = Pick("1", "0", "-3", "2", "0.5", "-1.5", "1.25", "1e1", "2.0", "10", "-0", "007", ".5", "5e-1", "1.", "+2", "0x2", "-.5");
        string increment = Pick("1", "2", "-1", "0.5", "0.25", "-0.5", "3", "1e0", "1.0", "0.1", "0", "1e-1", "0.10", "+1", "0x1", "7");
        string last = Pick("5", "10", "-2", "0", "3.5", "2.75", "12", "1e1", "-5", "9.9", "100", "1.000", "-0", "0x10", "99", "2e1");
        switch (random.Next(3))
        {
            case 0: args.Add(last); break;
            case 1: args.Add(first); args.Add(last); break;
            default: args.Add(first); args.Add(increment); args.Add(last); break;
        }

        return [.. args];
    }

    /// <summary>One to <paramref name="max"/> of <paramref name="pieces"/>, concatenated.</summary>
    private string Text(string[] pieces, int max)
        => string.Concat(Enumerable.Range(0, random.Next(1, max + 1)).Select(_ => Pick(pieces)));

    /// <summary>A random input: empty, one long line, or up to a dozen lines of <paramref name="pieces"/> and
    /// (when <paramref name="highBytes"/>) bytes 0x80-0xFF, LF or CRLF ended, a quarter of the time without the
    /// final newline.</summary>
    private byte[] Input(string[] pieces, bool highBytes, bool allowEmpty = true, bool wholeLines = false, bool allowLong = true)
    {
        if (allowEmpty && random.Next(12) == 0)
        {
            return [];
        }

        if (allowLong && random.Next(12) == 0)
        {
            // A long line (past the 64 KiB buffers now and then) between two short ones.
            int length = Pick(200, 5000, 70_000);
            var big = new StringBuilder("a").Append(Pick(pieces)).Append('\n');
            while (big.Length < length)
            {
                big.Append(Pick(pieces));
            }

            return Differential.Bytes(big.Append("\nz").Append(random.Next(2) == 0 ? "\n" : "").ToString());
        }

        string end = random.Next(5) == 0 ? "\r\n" : "\n";
        string[] all = !highBytes ? pieces
            : random.Next(10) == 0 ? [.. pieces, .. DifferentialInputs.BytePieces]
            : [.. pieces, "\x80", "\xff", "\xc3\xa9", "\xe9"];
        var text = new StringBuilder();
        int lines = random.Next(1, 13);
        for (int i = 0; i < lines; i++)
        {
            text.Append(wholeLines && random.Next(2) == 0 ? Pick(pieces) : Line(all, 8)).Append(end);
        }

        if (random.Next(4) == 0)
        {
            text.Length -= end.Length;
        }

        return Differential.Bytes(text.ToString());
    }

    /// <summary>Up to <paramref name="max"/> of <paramref name="pieces"/> (none a fifth of the time).</summary>
    private string Line(string[] pieces, int max)
        => random.Next(5) == 0 ? "" : string.Concat(Enumerable.Range(0, random.Next(1, max + 1)).Select(_ => Pick(pieces)));
}
