using Streams.Modules.Text.Regex;

namespace Streams.Modules.Text;

/// <summary>What grep does with a binary file (one holding a NUL byte), as <c>--binary-files</c> says.</summary>
internal enum GrepBinaryFiles
{
    /// <summary>The default: a NUL ends a line, and instead of the lines selected once the NUL was seen, one
    /// "binary file matches" message.</summary>
    Binary,

    /// <summary>-a: a NUL is a byte like any other.</summary>
    Text,

    /// <summary>-I: the file is taken to have no selected line.</summary>
    WithoutMatch,
}

/// <summary>Whether grep walks directory operands (-r, -R).</summary>
internal enum GrepRecursion
{
    /// <summary>A directory operand is an error ("Is a directory").</summary>
    None,

    /// <summary>-r: the files under it; symbolic links followed only when they are operands.</summary>
    Recursive,

    /// <summary>-R: the same, following every symbolic link.</summary>
    FollowAll,
}

/// <summary>When grep colours its output (<c>--color</c>).</summary>
internal enum GrepColor
{
    /// <summary>Never (the default).</summary>
    Never,

    /// <summary>When stdout is a terminal and <c>TERM</c> is set and not <c>dumb</c>.</summary>
    Auto,

    /// <summary>Always.</summary>
    Always,
}

/// <summary>grep's parsed command line.</summary>
internal sealed class GrepOptions
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

    /// <summary>Parses <paramref name="args"/> as GNU getopt does (options may follow operands until
    /// <c>--</c>); returns an error message (without the usage tail) or null.</summary>
    public static string? Parse(IReadOnlyList<string> args, Func<string, string> resolve, out GrepOptions options)
    {
        options = new GrepOptions();
        var operands = new List<string>();
        bool patternGiven = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                operands.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                string name = arg[2..];
                string? value = null;
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }

                string? error = LongName(ref name) ?? options.Long(name, value, args, ref i, resolve, ref patternGiven);
                if (error is not null)
                {
                    return error;
                }

                continue;
            }

            if (arg.Length < 2 || arg[0] != '-')
            {
                operands.Add(arg);
                continue;
            }

            for (int j = 1; j < arg.Length; j++)
            {
                char c = arg[j];
                if (char.IsAsciiDigit(c))
                {
                    // -NUM: the same as -C NUM.
                    int digits = j;
                    while (digits < arg.Length && char.IsAsciiDigit(arg[digits]))
                    {
                        digits++;
                    }

                    string? contextError = options.WithValue('C', arg[j..digits], resolve, ref patternGiven);
                    if (contextError is not null)
                    {
                        return contextError;
                    }

                    j = digits - 1;
                    continue;
                }

                if (c is 'e' or 'f' or 'm' or 'A' or 'B' or 'C' or 'd' or 'D')
                {
                    string? value = j + 1 < arg.Length ? arg[(j + 1)..] : (i + 1 < args.Count ? args[++i] : null);
                    if (value is null)
                    {
                        return $"grep: option requires an argument -- '{c}'";
                    }

                    string? error = options.WithValue(c, value, resolve, ref patternGiven);
                    if (error is not null)
                    {
                        return error;
                    }

                    break;
                }

                if (!options.Flag(c))
                {
                    return $"grep: invalid option -- '{c}'";
                }
            }
        }

        if (options.Help)
        {
            return null;
        }

        if (options.ConflictingMatchers)
        {
            return "grep: conflicting matchers specified";
        }

        if (!patternGiven)
        {
            if (operands.Count == 0)
            {
                return string.Empty;
            }

            options.AddPatterns(operands[0]);
            operands.RemoveAt(0);
        }

        options.Files.AddRange(operands);
        return null;
    }

    // Every long option, in GNU grep's order (its ambiguity message lists them so); names that mean the same
    // option share a key.
    private static readonly (string Name, string Key)[] LongNames =
    [
        ("basic-regexp", "G"), ("extended-regexp", "E"), ("fixed-regexp", "F"), ("fixed-strings", "F"), ("perl-regexp", "P"),
        ("after-context", "A"), ("before-context", "B"), ("binary-files", "binary-files"), ("byte-offset", "b"),
        ("context", "C"), ("color", "color"), ("colour", "color"), ("count", "c"), ("devices", "D"), ("directories", "d"),
        ("dereference-recursive", "R"), ("exclude", "exclude"), ("exclude-from", "exclude-from"), ("exclude-dir", "exclude-dir"),
        ("file", "f"), ("files-with-matches", "l"), ("files-without-match", "L"), ("group-separator", "group-separator"),
        ("help", "help"), ("include", "include"), ("ignore-case", "i"), ("no-ignore-case", "no-ignore-case"),
        ("initial-tab", "T"), ("label", "label"), ("line-buffered", "line-buffered"), ("line-number", "n"),
        ("line-regexp", "x"), ("max-count", "m"), ("no-filename", "h"), ("no-group-separator", "no-group-separator"),
        ("no-messages", "s"), ("null", "Z"), ("null-data", "z"), ("only-matching", "o"), ("quiet", "q"),
        ("recursive", "r"), ("regexp", "e"), ("invert-match", "v"), ("silent", "q"), ("text", "a"), ("binary", "U"),
        ("unix-byte-offsets", "u"), ("with-filename", "H"), ("word-regexp", "w"),
    ];

    // getopt_long's reading of a long option: its whole name, or a prefix of only one option's names; an error
    // (without the usage lines) for a prefix of several.
    private static string? LongName(ref string name)
    {
        string given = name;
        if (Array.Exists(LongNames, n => n.Name == given))
        {
            return null;
        }

        (string Name, string Key)[] candidates = Array.FindAll(LongNames, n => n.Name.StartsWith(given, StringComparison.Ordinal));
        if (candidates.Length == 0 || given.Length == 0)
        {
            return null;
        }

        if (candidates.All(c => c.Key == candidates[0].Key))
        {
            name = candidates[0].Name;
            return null;
        }

        return $"grep: option '--{given}' is ambiguous; possibilities:" + string.Concat(candidates.Select(c => $" '--{c.Name}'"));
    }

    /// <summary>Arguments arrive as .NET strings: back to their UTF-8 bytes, one char per byte.</summary>
    public static string ToLatin1(string text) => System.Text.Encoding.Latin1.GetString(System.Text.Encoding.UTF8.GetBytes(text));

    private void AddPatterns(string text) => Patterns.AddRange(ToLatin1(text).Split('\n'));

    /// <summary>Set when -E, -F and -G disagree: GNU refuses to choose.</summary>
    public bool ConflictingMatchers { get; private set; }

    /// <summary>-P: the pattern is Perl-style (PosixRegex.CreatePerl).</summary>
    public bool Perl { get; private set; }

    private void SetMatcher(PosixSyntax syntax)
    {
        ConflictingMatchers |= _matcherSet && (Perl || Syntax != syntax);
        Syntax = syntax;
        _matcherSet = true;
    }

    private bool Flag(char c)
    {
        switch (c)
        {
            case 'E': SetMatcher(PosixSyntax.Extended); break;
            case 'F': SetMatcher(PosixSyntax.Fixed); break;
            case 'G': SetMatcher(PosixSyntax.Basic); break;
            case 'P':
                ConflictingMatchers |= _matcherSet && !Perl;
                (Perl, _matcherSet) = (true, true);
                break;
            case 'i': case 'y': IgnoreCase = true; break;
            case 'v': Invert = true; break;
            case 'c': Count = true; break;
            case 'n': LineNumbers = true; break;
            case 'b': ByteOffsets = true; break;
            case 'T': InitialTab = true; break;
            case 'Z': NullAfterName = true; break;
            case 'z': NullData = true; break;
            case 'u': UnixByteOffsets = true; break;
            case 'o': OnlyMatching = true; break;
            case 'q': Quiet = true; break;
            case 's': NoMessages = true; break;
            case 'l': FilesWithMatches = true; FilesWithoutMatch = false; break;
            case 'L': FilesWithoutMatch = true; FilesWithMatches = false; break;
            case 'w': Shape = Shape == MatchShape.Line ? MatchShape.Line : MatchShape.Word; break;
            case 'x': Shape = MatchShape.Line; break;
            case 'H': WithFileName = true; break;
            case 'h': WithFileName = false; break;
            case 'a': BinaryFiles = GrepBinaryFiles.Text; break;
            case 'I': BinaryFiles = GrepBinaryFiles.WithoutMatch; break;
            case 'r': (Recursive, SkipDirectories) = (GrepRecursion.Recursive, false); break;
            case 'R': (Recursive, SkipDirectories) = (GrepRecursion.FollowAll, false); break;
            case 'U': break; // --binary: only Windows strips CRs.
            case '\0': break; // --line-buffered: lines already go out whenever grep waits for input.
            default: return false;
        }

        return true;
    }

    private string? WithValue(char c, string value, Func<string, string> resolve, ref bool patternGiven)
    {
        switch (c)
        {
            case 'e':
                AddPatterns(value);
                patternGiven = true;
                return null;
            case 'f':
                try
                {
                    string text = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(resolve(value)));
                    if (text.EndsWith('\n'))
                    {
                        text = text[..^1];
                    }

                    if (text.Length > 0)
                    {
                        Patterns.AddRange(text.Split('\n'));
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return $"grep: {value}: No such file or directory";
                }

                patternGiven = true;
                return null;
            case 'd':
                switch (value)
                {
                    case "read": (Recursive, SkipDirectories) = (GrepRecursion.None, false); return null;
                    case "skip": (Recursive, SkipDirectories) = (GrepRecursion.None, true); return null;
                    case "recurse": (Recursive, SkipDirectories) = (GrepRecursion.Recursive, false); return null;
                    default:
                        return $"grep: invalid argument '{value}' for '--directories'\nValid arguments are:\n  - 'read'\n  - 'recurse'\n  - 'skip'";
                }

            case 'D':
                SkipDevices = value switch { "read" => false, "skip" => true, _ => SkipDevices };
                return value is "read" or "skip" ? null : "grep: unknown devices method";
            case 'A' or 'B' or 'C':
                if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int lines))
                {
                    return $"grep: {value}: invalid context length argument";
                }

                if (c == 'A')
                {
                    _after = lines;
                }
                else if (c == 'B')
                {
                    _before = lines;
                }
                else
                {
                    _context = lines;
                }

                return null;
            default:
                if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long max))
                {
                    return "grep: invalid max count";
                }

                MaxCount = max;
                return null;
        }
    }

    // A long option that takes an argument of its own (not one of the short options' spelled long).
    private string? WithArgument(string name, string value, Func<string, string> resolve)
    {
        switch (name)
        {
            case "group-separator":
                GroupSeparator = value;
                return null;
            case "exclude-from":
                try
                {
                    foreach (string glob in File.ReadAllLines(resolve(value)))
                    {
                        FileFilters.Add((glob, false));
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return $"grep: {value}: {(ex is UnauthorizedAccessException ? "Permission denied" : "No such file or directory")}";
                }

                return null;
            case "exclude-dir":
                ExcludedDirectories.Add(value);
                return null;
            case "include" or "exclude":
                FileFilters.Add((value, name == "include"));
                return null;
            case "label":
                Label = value;
                return null;
            default:
                GrepBinaryFiles? type = value switch
                {
                    "binary" => GrepBinaryFiles.Binary,
                    "text" => GrepBinaryFiles.Text,
                    "without-match" => GrepBinaryFiles.WithoutMatch,
                    _ => null,
                };
                BinaryFiles = type ?? BinaryFiles;
                return type is null ? "grep: unknown binary-files type" : null;
        }
    }

    private string? Long(string name, string? value, IReadOnlyList<string> args, ref int i, Func<string, string> resolve, ref bool patternGiven)
    {
        if (name is "color" or "colour")
        {
            // As GNU: any case; no value is "auto"; an unknown one shows the help (and succeeds).
            GrepColor? when = value?.ToLowerInvariant() switch
            {
                null or "auto" or "tty" or "if-tty" => GrepColor.Auto,
                "always" or "yes" or "force" => GrepColor.Always,
                "never" or "no" or "none" => GrepColor.Never,
                _ => null,
            };
            Color = when ?? Color;
            Help |= when is null;
            return null;
        }

        if (name is "group-separator" or "exclude-from" or "include" or "exclude" or "exclude-dir" or "label" or "binary-files")
        {
            // Options whose argument is the rest after '=' or the next argument.
            value ??= i + 1 < args.Count ? args[++i] : null;
            return value is null ? $"grep: option '--{name}' requires an argument" : WithArgument(name, value, resolve);
        }

        if (name == "no-group-separator")
        {
            GroupSeparator = null;
            return value is null ? null : $"grep: option '--{name}' doesn't allow an argument";
        }

        if (name == "no-ignore-case")
        {
            IgnoreCase = false;
            return value is null ? null : $"grep: option '--{name}' doesn't allow an argument";
        }

        char? flag = name switch
        {
            "extended-regexp" => 'E',
            "fixed-strings" or "fixed-regexp" => 'F',
            "basic-regexp" => 'G',
            "perl-regexp" => 'P',
            "ignore-case" => 'i',
            "invert-match" => 'v',
            "count" => 'c',
            "line-number" => 'n',
            "byte-offset" => 'b',
            "initial-tab" => 'T',
            "null" => 'Z',
            "null-data" => 'z',
            "unix-byte-offsets" => 'u',
            "only-matching" => 'o',
            "quiet" or "silent" => 'q',
            "no-messages" => 's',
            "files-with-matches" => 'l',
            "files-without-match" => 'L',
            "word-regexp" => 'w',
            "line-regexp" => 'x',
            "with-filename" => 'H',
            "no-filename" => 'h',
            "text" => 'a',
            "recursive" => 'r',
            "dereference-recursive" => 'R',
            "binary" => 'U',
            "line-buffered" => '\0',
            _ => null,
        };
        if (flag is char f)
        {
            if (value is not null)
            {
                return $"grep: option '--{name}' doesn't allow an argument";
            }

            Flag(f);
            return null;
        }

        char? withValue = name switch
        {
            "regexp" => 'e',
            "file" => 'f',
            "max-count" => 'm',
            "after-context" => 'A',
            "before-context" => 'B',
            "context" => 'C',
            "directories" => 'd',
            "devices" => 'D',
            _ => null,
        };
        if (withValue is char w)
        {
            value ??= i + 1 < args.Count ? args[++i] : null;
            return value is null ? $"grep: option '--{name}' requires an argument" : WithValue(w, value, resolve, ref patternGiven);
        }

        if (name == "help")
        {
            Help = true;
            return null;
        }

        return $"grep: unrecognized option '--{name}'";
    }
}
