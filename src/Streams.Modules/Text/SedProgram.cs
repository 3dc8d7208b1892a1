using Streams.Modules.Text.Regex;

namespace Streams.Modules.Text;

/// <summary>A parsed sed script: its commands in order.</summary>
internal sealed class SedProgram
{
    /// <summary>The commands.</summary>
    public List<SedInstruction> Instructions { get; } = [];

    /// <summary>Whether the script starts with <c>#n</c> on a line of its own (same as -n).</summary>
    public bool Quiet { get; set; }

    /// <summary>The indexes of the <c>{</c> commands not closed yet (while parsing).</summary>
    public Stack<int> OpenBlocks { get; } = new();

    /// <summary><c>--posix</c>: GNU's extension commands are refused, and <c>N</c> on the last line prints nothing.</summary>
    public bool Posix { get; set; }

    /// <summary><c>--sandbox</c>: the e, r, R, w and W commands and the s flags e and w are refused.</summary>
    public bool Sandbox { get; set; }

    /// <summary>Opens (truncates) the file of a <c>w</c>, <c>W</c> or <c>s///w</c> command while the script is
    /// parsed, as GNU does; the same name gives the same output.</summary>
    public Func<string, SedOutput>? OpenOutput { get; set; }

    /// <summary>Opens the file of an <c>R</c> command while the script is parsed; the same name gives the same
    /// reader.</summary>
    public Func<string, SedReadFile>? OpenRead { get; set; }

    /// <summary>Points every b, t and T at its label, once all the expressions are parsed.</summary>
    /// <exception cref="FormatException">A jump to a label no <c>:</c> defines, as GNU words it.</exception>
    public void ResolveLabels()
    {
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Instructions.Count; i++)
        {
            if (Instructions[i].Command == ':')
            {
                labels.TryAdd(Instructions[i].Label!, i);
            }
        }

        foreach (SedInstruction jump in Instructions)
        {
            if (jump.Command is 'b' or 't' or 'T')
            {
                jump.Target = jump.Label is null ? Instructions.Count
                    : labels.TryGetValue(jump.Label, out int target) ? target
                    : throw new FormatException($"sed: can't find label for jump to `{jump.Label}'");
            }
        }
    }
}

/// <summary>What an address matches.</summary>
internal enum SedAddressKind
{
    /// <summary>A line number.</summary>
    Line,

    /// <summary><c>$</c>: the last line.</summary>
    Last,

    /// <summary><c>/re/</c>.</summary>
    Regex,

    /// <summary><c>first~step</c>: every step-th line from first (GNU).</summary>
    Step,

    /// <summary><c>addr1,+N</c>: the N lines after the range's first (GNU).</summary>
    Plus,

    /// <summary><c>addr1,~N</c>: up to the next line after the range's first whose number is a multiple of N
    /// (GNU; N = 0 ends the range on its first line).</summary>
    Multiple,
}

/// <summary>One address of a command.</summary>
internal sealed class SedAddress
{
    /// <summary>The kind.</summary>
    public SedAddressKind Kind { get; init; }

    /// <summary>The line, for <see cref="SedAddressKind.Line"/> and <see cref="SedAddressKind.Step"/>; the count
    /// for <see cref="SedAddressKind.Plus"/>.</summary>
    public long Line { get; init; }

    /// <summary>The step, for <see cref="SedAddressKind.Step"/>.</summary>
    public long Step { get; init; }

    /// <summary>The pattern; null for the empty regex (the last one used).</summary>
    public PosixRegex? Regex { get; init; }
}

/// <summary>One part of an <c>s</c> replacement: literal text, a group (0 for <c>&amp;</c>), or a case
/// conversion (<c>\U \L \E \u \l</c>).</summary>
internal readonly record struct SedReplacementPart(string? Text, int Group, char CaseOp = '\0');

/// <summary>One command with its addresses.</summary>
internal sealed class SedInstruction
{
    /// <summary>The command letter: p, d, s, q, Q, =, n, {, }, r, R, w, W, l, F, z, e and the others.</summary>
    public char Command { get; init; }

    /// <summary>The first address, or null for every line.</summary>
    public SedAddress? First { get; set; }

    /// <summary>The end of a range, or null.</summary>
    public SedAddress? Last { get; set; }

    /// <summary><c>!</c>: apply where the addresses do not match.</summary>
    public bool Negate { get; set; }

    /// <summary>Whether a range is open (state of the run).</summary>
    public bool InRange { get; set; }

    /// <summary>Whether a range whose first address is a line number has ended for good (state of the run).</summary>
    public bool RangeClosed { get; set; }

    /// <summary>The last line of an open range that ends at a line number or <c>+N</c> (state of the run).</summary>
    public long RangeEnd { get; set; }

    /// <summary><c>{</c>: the index of the matching <c>}</c>.</summary>
    public int BlockEnd { get; set; }

    /// <summary>s: the pattern; null for the empty regex.</summary>
    public PosixRegex? Regex { get; set; }

    /// <summary>s: the replacement.</summary>
    public List<SedReplacementPart> Replacement { get; } = [];

    /// <summary>s: <c>g</c>.</summary>
    public bool Global { get; set; }

    /// <summary>s: the occurrence to replace first (1 by default).</summary>
    public int Occurrence { get; set; } = 1;

    /// <summary>s: <c>p</c>: 0 for none, 1 to print before the <c>e</c> flag runs the result (or without
    /// <c>e</c>), 2 after it (GNU: <c>p</c> written after <c>e</c>).</summary>
    public int Print { get; set; }

    /// <summary>s: <c>e</c>: run the result as a shell command and replace the pattern space with its output.</summary>
    public bool Evaluate { get; set; }

    /// <summary>r, R, w, W and s///w: the file name as the script gives it.</summary>
    public string? FileName { get; set; }

    /// <summary>w, W and s///w: where to write.</summary>
    public SedOutput? Output { get; set; }

    /// <summary>R: the file to read lines from.</summary>
    public SedReadFile? ReadFile { get; set; }

    /// <summary>r with the address 0 (GNU <c>0r FILE</c>): the file is written before the first line, at once,
    /// rather than queued.</summary>
    public bool Prepend { get; set; }

    /// <summary>l: the line length to wrap at (0: never); -1 for the <c>-l</c> default.</summary>
    public int Width { get; set; } = -1;

    /// <summary>q / Q: the exit status.</summary>
    public int ExitCode { get; set; }

    /// <summary>a, i, c: the text (without its last newline); e: the command (null: run the pattern space).</summary>
    public string? Text { get; set; }

    /// <summary>: (the label it defines), b, t, T (the label they jump to; null: the end of the script).</summary>
    public string? Label { get; set; }

    /// <summary>b, t, T: the index of the instruction to go on with (the script's length for its end).</summary>
    public int Target { get; set; }

    /// <summary>y: the byte each byte becomes.</summary>
    public char[]? Map { get; set; }
}
