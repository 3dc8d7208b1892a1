using Streams.Modules.Text.Regex;

namespace Streams.Modules.Text;

/// <summary>Reading grep's command line: operands, short options and their values.</summary>
internal sealed partial class GrepOptions
{
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
}
