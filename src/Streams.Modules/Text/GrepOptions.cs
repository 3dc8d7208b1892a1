using Streams.Modules.Text.Regex;

namespace Streams.Modules.Text;

/// <summary>grep's parsed command line.</summary>
internal sealed partial class GrepOptions
{
    /// <summary>The usage line GNU prints with option errors.</summary>
    public const string UsageTail = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.";

    private bool _matcherSet;

    /// <summary>The patterns, one per line of each -e / -f argument or of the first operand.</summary>
    public List<string> Patterns { get; } = [];

    /// <summary>The file operands (<c>-</c> is stdin); empty means stdin.</summary>
    public List<string> Files { get; } = [];

    /// <summary>-E, -F or -G (default).</summary>
    public PosixSyntax Syntax { get; set; } = PosixSyntax.Basic;

    /// <summary>-i.</summary>
    public bool IgnoreCase { get; set; }

    /// <summary>-v.</summary>
    public bool Invert { get; set; }

    /// <summary>-c.</summary>
    public bool Count { get; set; }

    /// <summary>-n.</summary>
    public bool LineNumbers { get; set; }

    /// <summary>-b: the byte offset of each line (of each match with -o) before it.</summary>
    public bool ByteOffsets { get; set; }

    /// <summary>-T: a tab between the prefixes and the text, and the numbers right-aligned.</summary>
    public bool InitialTab { get; set; }

    /// <summary>-Z: a NUL after each file name instead of its separator (or newline with -l and -L).</summary>
    public bool NullAfterName { get; set; }

    /// <summary>-z: lines end with a NUL byte in the input and the output, not a newline (which is then an ordinary
    /// character, and no input is binary).</summary>
    public bool NullData { get; set; }

    /// <summary>-d skip: directory operands are passed over.</summary>
    public bool SkipDirectories { get; set; }

    /// <summary>-D skip: FIFO, socket and device operands are passed over.</summary>
    public bool SkipDevices { get; set; }

    /// <summary>--color: when matches and prefixes are coloured.</summary>
    public GrepColor Color { get; set; }

    /// <summary>What goes between groups of lines with context (<c>--</c>); null for nothing
    /// (<c>--no-group-separator</c>).</summary>
    public string? GroupSeparator { get; set; } = "--";

    /// <summary>-u was given: obsolete, only warned about.</summary>
    public bool UnixByteOffsets { get; set; }

    /// <summary>-o.</summary>
    public bool OnlyMatching { get; set; }

    /// <summary>-q.</summary>
    public bool Quiet { get; set; }

    /// <summary>-s.</summary>
    public bool NoMessages { get; set; }

    /// <summary>-l.</summary>
    public bool FilesWithMatches { get; set; }

    /// <summary>-L.</summary>
    public bool FilesWithoutMatch { get; set; }

    /// <summary>-w / -x.</summary>
    public MatchShape Shape { get; set; }

    /// <summary>-H (true), -h (false) or neither (null: names when several files).</summary>
    public bool? WithFileName { get; set; }

    /// <summary>--binary-files (-a: text, -I: without-match).</summary>
    public GrepBinaryFiles BinaryFiles { get; set; }

    /// <summary>--label: the name of standard input in output.</summary>
    public string? Label { get; set; }

    /// <summary>-r or -R.</summary>
    public GrepRecursion Recursive { get; set; }

    /// <summary>--include (true) and --exclude (false) patterns, in the order given.</summary>
    public List<(string Glob, bool Include)> FileFilters { get; } = [];

    /// <summary>--exclude-dir patterns.</summary>
    public List<string> ExcludedDirectories { get; } = [];

    /// <summary>Whether --include and --exclude skip the file <paramref name="name"/>: as GNU's, the last pattern
    /// that matches decides, and when none does a file is skipped only if the first pattern is an --include.
    /// A file met in a directory is matched by its base name; an operand by its whole name or any part of it that
    /// follows a <c>/</c>.</summary>
    public bool IsExcludedFile(string name, bool operand)
    {
        if (FileFilters.Count == 0)
        {
            return false;
        }

        bool excluded = FileFilters[0].Include;
        foreach ((string glob, bool include) in FileFilters)
        {
            if (Matches(glob, name, operand))
            {
                excluded = !include;
            }
        }

        return excluded;
    }

    /// <summary>Whether --exclude-dir skips the directory <paramref name="name"/> (matched as
    /// <see cref="IsExcludedFile"/> matches).</summary>
    public bool IsExcludedDirectory(string name, bool operand) => ExcludedDirectories.Exists(glob => Matches(glob, name, operand));

    private static bool Matches(string glob, string name, bool operand)
    {
        if (Wildcard.IsMatch(glob, name))
        {
            return true;
        }

        if (operand)
        {
            for (int slash = name.IndexOf('/'); slash >= 0; slash = name.IndexOf('/', slash + 1))
            {
                if (slash + 1 < name.Length && name[slash + 1] != '/' && Wildcard.IsMatch(glob, name[(slash + 1)..]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>-m: stop after this many selected lines (-1: no limit).</summary>
    public long MaxCount { get; set; } = -1;

    /// <summary>--help.</summary>
    public bool Help { get; set; }

    /// <summary>-A: lines of context after each selected line.</summary>
    public int After => _after ?? _context ?? 0;

    /// <summary>-B: lines of context before each selected line.</summary>
    public int Before => _before ?? _context ?? 0;

    /// <summary>Whether -A, -B, -C or -NUM was given (even 0): groups of output lines are then separated by
    /// <c>--</c>.</summary>
    public bool ContextGiven => _after is not null || _before is not null || _context is not null;

    // -A and -B win over -C (and -NUM) whatever their order, as in GNU grep.
    private int? _after;
    private int? _before;
    private int? _context;

    /// <summary>Arguments arrive as .NET strings: back to their UTF-8 bytes, one char per byte.</summary>
    public static string ToLatin1(string text) => System.Text.Encoding.Latin1.GetString(System.Text.Encoding.UTF8.GetBytes(text));

    private void AddPatterns(string text) => Patterns.AddRange(ToLatin1(text).Split('\n'));

    /// <summary>Set when -E, -F and -G disagree: GNU refuses to choose.</summary>
    public bool ConflictingMatchers { get; private set; }

    /// <summary>-P: the pattern is Perl-style (PosixRegex.CreatePerl).</summary>
    public bool Perl { get; private set; }
}
