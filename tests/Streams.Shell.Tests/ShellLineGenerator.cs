using System.Text;

namespace Streams.Shell.Tests;

/// <summary>Builds random command lines from the shell's subset (docs/shell.md, "Grammar") whose outcome does
/// not depend on timing in bash: see <see cref="ShellFuzzTests"/> for what is left out and why.</summary>
/// <remarks>The files it names are those of <see cref="ShellDifferential.CreateScratch"/>: it reads <c>a.txt</c>,
/// <c>b.log</c>, <c>sp ace</c> and <c>dir/x.txt</c>, and writes <c>o1</c>, <c>o2</c>, <c>e1</c> (which no glob
/// it uses matches) and sometimes the files it reads. Within a pipeline of several commands, no file is both
/// read and written, and none is written twice (bash runs the commands concurrently).</remarks>
internal sealed class ShellLineGenerator(Random random)
{
    private static readonly string[] Globs =
    [
        "*.txt", "*.log", "?.txt", "[ab].*", "*a*", "sp*", "d*/", "dir/*", "[!a]*.*", "*.none", "[[:alpha:]].txt",
        "\\*.txt", "\"*\".txt", "*'.txt'", "dir/?.txt", "[b-d]*", "*[.]log", "[\\!a]*", "[\"!\"b]*", "dir//*",
        "[a\"-\"c]*", "./*.log", "d*//",
    ];

    private static readonly string[] InitialFiles = ["a.txt", "b.log", "'sp ace'", "\"sp ace\"", "sp\\ ace", "dir/x.txt"];

    private static readonly string[] OutputFiles = ["o1", "o2", "e1", "'o2'", "\"e\"1"];

    private static readonly string[] Literals = ["a", "b1", "x.y", "-", "=", "%", "a=b", "~", "~/x", "a,b", "@", "+1", "0", "a=~", "b=~/x"];

    private static readonly string[] Names = ["X", "Y"];

    private static readonly string[] Values = ["v", "1", "", "a.b", "''", "'q'r", "$?", "\"$Y\"", "o2", "x\\y", "${X}z"];

    private static readonly string[] Formats = ["'%s\\n'", "'[%s]'", "\"%s-%s\\n\"", "'<%s>'", "%s\\\\n", "'%s\\t|'"];

    // Files written so far by the pipeline being built, and files it reads.
    private readonly HashSet<string> _written = [];
    private readonly HashSet<string> _read = [];
    private bool _multiStage;

    /// <summary>One command line: one to four and-or lists joined by <c>;</c>, a newline or <c>&amp; wait</c>,
    /// perhaps ending in a comment.</summary>
    public string Line()
    {
        var line = new StringBuilder();
        int lists = random.Next(1, 5);
        for (int i = 0; i < lists; i++)
        {
            if (i > 0)
            {
                line.Append(Pick(["; ", ";", "\n", " ; "]));
            }

            switch (random.Next(14))
            {
                case 0:
                    // cd into dir and back around one pipeline: the generator never leaves the scratch directory.
                    line.Append("cd dir; ").Append(Pipeline(allowCd: false)).Append("; cd ..");
                    break;
                case 1:
                    line.Append(AndOr()).Append(Pick([" & wait", " &\nwait", "& wait; echo $?"]));
                    break;
                default:
                    line.Append(AndOr());
                    break;
            }
        }

        if (random.Next(6) == 0)
        {
            line.Append(Pick([" # a comment; echo no", " #", ";# x | y", "\n# only a comment"]));
        }

        return line.ToString();
    }

    private string AndOr()
    {
        var list = new StringBuilder(Pipeline(allowCd: true));
        while (random.Next(3) == 0)
        {
            list.Append(Pick([" && ", " || ", "&&", "||", " &&\n"])).Append(Pipeline(allowCd: true));
        }

        return list.ToString();
    }

    private string Pipeline(bool allowCd)
    {
        _written.Clear();
        _read.Clear();
        string bang = random.Next(6) switch
        {
            0 => "! ",
            1 when random.Next(3) == 0 => "! ! ",
            _ => "",
        };
        int stages = random.Next(3) == 0 ? random.Next(2, 4) : 1;
        _multiStage = stages > 1;
        if (!_multiStage)
        {
            return bang + Single(allowCd);
        }

        var pipeline = new StringBuilder(bang).Append(Command(first: true, last: false));
        for (int i = 1; i < stages; i++)
        {
            pipeline.Append(Pick([" | ", "|", " |\n"])).Append(Command(first: false, last: i == stages - 1));
        }

        return pipeline.ToString();
    }

    /// <summary>A pipeline of one command: also the builtins that change the shell.</summary>
    private string Single(bool allowCd) => random.Next(20) switch
    {
        0 => Assignment() + (random.Next(3) == 0 ? " " + Assignment() : ""),
        1 => "export " + Pick(Names) + (random.Next(2) == 0 ? "=" + Pick(Values) : ""),
        2 => Pick(["set -o pipefail", "set +o pipefail"]),
        3 => "exit" + Pick(["", " 0", " 1", " 3", " 256", " $?"]),
        4 when allowCd => Pick(["cd nodir", "cd dir nodir", "cd a.txt"]),
        5 => Pick(Names) + "=" + Pick(Values) + " " + Command(first: true, last: true),
        6 => "X=" + Pick(Values) + " Y=$X " + Pick(["sh -c 'echo \"[$X][$Y]\"'", "echo \"[$X][$Y]\""]),
        _ => Command(first: true, last: true),
    };

    private string Assignment() => Pick(Names) + "=" + Pick(Values);

    /// <summary>A simple command with its words and redirections in any order. A command after a pipe reads
    /// its stdin (a filter), so that the one before it never writes to a pipe nobody reads: bash's SIGPIPE there
    /// depends on timing.</summary>
    private string Command(bool first, bool last)
    {
        List<string> words = first ? Producer() : Filter();
        var redirections = new List<string>();
        int count = random.Next(4) == 0 ? random.Next(1, 4) : 0;
        for (int i = 0; i < count; i++)
        {
            redirections.Add(Redirection(first, last));
        }

        foreach (string redirection in redirections)
        {
            // Anywhere, also before the command name.
            words.Insert(random.Next(words.Count + 1), redirection);
        }

        return string.Join(' ', words.Where(w => w.Length > 0));
    }

    private List<string> Producer()
    {
        switch (random.Next(16))
        {
            case 0 or 1 or 2 or 3:
                return ["echo", .. Words(random.Next(0, 4))];
            case 4:
                return ["printf", Pick(Formats), .. Words(random.Next(0, 3))];
            case 5:
                // bash's printf is a builtin, and it differs from GNU's (ours) on excess arguments without a
                // conversion and on the message for a number that is not one: only valid numbers here.
                return random.Next(2) == 0 ? ["printf", "'%d\\n'", .. Numbers()] : ["printf", Pick(["'a\\tb\\n'", "'\\101%%\\n'"])];
            case 6:
                return [Pick(["true", "false"])];
            case 7 or 8:
                return ["cat", .. Files(random.Next(0, 3))];
            case 9:
                return ["wc", "-l", .. Files(random.Next(0, 2))];
            case 10:
                return ["head", "-n", Pick(["1", "2"]), .. Files(1)];
            case 11:
                return [Pick(["nosuchcmd", "./a.txt", "dir", "./nodir/x"]), .. Words(random.Next(0, 2))];
            case 12:
                return ["sh", "-c", Pick(["'echo \"[$X][$Y]\"'", "'exit 3'", "'echo $#' a b"])];
            case 13:
                return ["echo", Pick(Globs), .. Words(random.Next(0, 2))];
            case 14:
                return ["exit", Pick(["2", "0"])];
            default:
                return ["echo", .. Words(1), Pick(Globs)];
        }
    }

    private List<string> Filter() => random.Next(6) switch
    {
        0 => ["cat"],
        1 => ["wc", "-l"],
        2 => ["tr", Pick(["a-z A-Z", "-d a", "ab xy", "'\\n' _"])],
        3 => ["head", "-n", "9"],
        4 => ["cat", "-"],
        _ => ["tr", "e", "E"],
    };

    private List<string> Numbers() => Pick(["", "1", "$?", "-2 '3'", "0x1F", "\"$?\" 7"]).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();

    private List<string> Words(int count)
    {
        var words = new List<string>();
        for (int i = 0; i < count; i++)
        {
            words.Add(Word());
        }

        return words;
    }

    /// <summary>Up to three pieces: literal text, quotes of either kind, backslash escapes, expansions.</summary>
    private string Word()
    {
        var word = new StringBuilder();
        int pieces = random.Next(1, 4);
        for (int i = 0; i < pieces; i++)
        {
            word.Append(random.Next(7) switch
            {
                0 => Pick(Literals),
                1 => Pick(["'a b'", "'$X'", "'\\'", "'\"'", "'*'", "''", "'#'", "' '"]),
                2 => DoubleQuoted(),
                3 => Pick(["\\*", "\\ ", "\\$X", "\\\\", "\\'", "\\\"", "\\#", "\\a", "\\;", "\\|", "\\>", "\\&"]),
                4 when i == pieces - 1 => Pick(["$X", "${Y}", "$?", "$U", "${U}", "${X}${Y}", "$"]),
                4 => Pick(["$X", "${Y}", "$?", "$U", "${U}", "${X}${Y}"]),
                5 when i > 0 => Pick(["#x", "#"]),
                _ => Pick(Literals),
            });
        }

        string text = word.ToString();
        return text.StartsWith('-') || text.StartsWith('#') ? "x" + text : text;
    }

    private string DoubleQuoted()
    {
        var text = new StringBuilder("\"");
        int pieces = random.Next(0, 4);
        for (int i = 0; i < pieces; i++)
        {
            text.Append(Pick(["a b", "$X", "${Y}", "$?", "\\$", "\\\"", "\\\\", "\\a", "'", "*", "#", "$U", " ", "${X}y", "$Xy", i == pieces - 1 ? "x$" : "x"]));
        }

        return text.Append('"').ToString();
    }

    private List<string> Files(int count)
    {
        var files = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string file = ReadTarget();
            files.Add(file);
        }

        return files;
    }

    /// <summary>A file to read: one of the initial files, a missing one, or (in a single command) one written
    /// earlier in the line.</summary>
    private string ReadTarget()
    {
        string[] candidates = _multiStage ? [.. InitialFiles, "nofile"] : [.. InitialFiles, "nofile", "o1", "e1", "dir", "?.txt"];
        string file = Pick(candidates.Where(f => !_written.Contains(Canonical(f))).ToArray());
        _read.Add(Canonical(file));
        return file;
    }

    private string? WriteTarget()
    {
        string[] candidates = _multiStage
            ? OutputFiles
            : [.. OutputFiles, "a.txt", "'sp ace'", "dir", "/nonexist/x", "$U", "*.log", "o$X"];
        string[] free = candidates.Where(f => !_written.Contains(Canonical(f)) && !_read.Contains(Canonical(f)) && !(Canonical(f) == "b.log" && _read.Contains("?.txt"))).ToArray();
        if (free.Length == 0)
        {
            return null;
        }

        string file = Pick(free);
        _written.Add(Canonical(file));
        return file;
    }

    // The file a target names, for the read/write bookkeeping.
    private static string Canonical(string target) => target switch
    {
        "'sp ace'" or "\"sp ace\"" or "sp\\ ace" => "sp ace",
        "'o2'" => "o2",
        "\"e\"1" => "e1",
        "*.log" => "b.log",
        _ => target,
    };

    /// <summary>A redirection this command may have: the first of a pipeline of several may read a file, the last
    /// may write one; any may move its descriptors.</summary>
    private string Redirection(bool first, bool last)
    {
        string space = random.Next(3) == 0 ? " " : "";
        bool canWrite = last || !_multiStage;
        bool canRead = first;
        switch (random.Next(10))
        {
            case 0 or 1 when canWrite && WriteTarget() is { } file:
                return Pick([">", ">>", "1>", "&>", ">|"]) + space + file;
            case 8 when !_multiStage && WriteTarget() is { } file:
                // Read-write: it creates a missing file, so never in a pipeline of several (see the globs).
                return Pick(["<>", "1<>", "0<>"]) + space + file;
            case 2 when canWrite && WriteTarget() is { } file:
                return Pick(["2>", "2>>"]) + space + file;
            case 3 or 4 when canRead:
                return Pick(["<", "0<"]) + space + ReadTarget();
            case 5:
                return "2>&1";
            case 6:
                return Pick([">&2", "1>&2"]);
            case 7:
                return Pick(["2>/dev/null", ">/dev/null", "2>&2", "1>&1", "<&0"]);
            default:
                return "2>&1";
        }
    }

    private string Pick(string[] choices) => choices[random.Next(choices.Length)];
}
