namespace Streams.Modules.Text;

/// <summary>grep's long options, by their names or an unambiguous prefix, as getopt_long reads them.</summary>
internal sealed partial class GrepOptions
{
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
