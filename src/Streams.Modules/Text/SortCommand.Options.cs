using Streams.Modules.Text.Internal;

namespace Streams.Modules.Text;

/// <summary>sort's help text and the tables its options are parsed with.</summary>
internal sealed partial class SortCommand
{
    internal const string HelpText = """
        Usage: sort [OPTION]... [FILE]...
        Write sorted concatenation of all FILE(s) to standard output.

        With no FILE, or when FILE is -, read standard input.

        Ordering options:

          -b, --ignore-leading-blanks  ignore leading blanks
          -d, --dictionary-order      consider only blanks and alphanumeric characters
          -f, --ignore-case           fold lower case to upper case characters
          -g, --general-numeric-sort  compare according to general numerical value
          -i, --ignore-nonprinting    consider only printable characters
          -h, --human-numeric-sort    compare human readable numbers (e.g., 2K 1G)
          -M, --month-sort            compare (unknown) < 'JAN' < ... < 'DEC'
          -R, --random-sort           shuffle, but group identical keys
              --random-source=FILE    get random bytes from FILE
          -V, --version-sort          natural sort of (version) numbers within text
          -n, --numeric-sort          compare according to string numerical value
          -r, --reverse               reverse the result of comparisons
              --sort=WORD             sort according to WORD:
                                        general-numeric -g, human-numeric -h, month -M,
                                        numeric -n, random -R, version -V

        Other options:

          -c, --check, --check=diagnose-first  check for sorted input; do not sort
          -C, --check=quiet, --check=silent  like -c, but do not report first bad line
          -k, --key=KEYDEF          sort via a key; KEYDEF gives location and type
          -m, --merge               merge already sorted files; do not sort
          -o, --output=FILE         write result to FILE instead of standard output
          -s, --stable              stabilize sort by disabling last-resort comparison
          -S, --buffer-size=SIZE    use SIZE for main memory buffer
          -t, --field-separator=SEP  use SEP instead of non-blank to blank transition
          -T, --temporary-directory=DIR  use DIR for temporaries, not $TMPDIR or /tmp
          -u, --unique              output only the first of an equal run
          -z, --zero-terminated     line delimiter is NUL, not newline
              --batch-size=NMERGE   merge at most NMERGE inputs at once (checked;
                                    runs are merged all at once here)
              --compress-program=PROG  compress temporaries with PROG (accepted;
                                    temporaries are not compressed here)
              --files0-from=F       read input from the files specified by
                                    NUL-terminated names in file F;
                                    If F is - then read names from standard input
              --parallel=N          change the number of sorts run concurrently to N
              --help        display this help and exit

        KEYDEF is F[.C][OPTS][,F[.C][OPTS]] for start and stop position, where F is a
        field number and C a character position in the field; both are origin 1, and
        the stop position defaults to the line's end.  If neither -t nor -b is in
        effect, characters in a field are counted from the beginning of the preceding
        whitespace.  OPTS is one or more single-letter ordering options [bdfghiMnRrV],
        which override global ordering options for that key.  If no key is given, use
        the entire line as the key.
        """;

    private static readonly LongOption[] Longs =
    [
        new("ignore-leading-blanks", false, 'b'), new("dictionary-order", false, 'd'), new("ignore-case", false, 'f'),
        new("general-numeric-sort", false, 'g'), new("ignore-nonprinting", false, 'i'), new("numeric-sort", false, 'n'),
        new("human-numeric-sort", false, 'h'), new("month-sort", false, 'M'), new("version-sort", false, 'V'),
        new("random-sort", false, 'R'), new("random-source", true, '\u0003'),
        new("reverse", false, 'r'), new("check", false, CheckKey, OptionalArgument: true), new("key", true, 'k'), new("output", true, 'o'),
        new("stable", false, 's'), new("field-separator", true, 't'), new("unique", false, 'u'),
        new("zero-terminated", false, 'z'), new("buffer-size", true, BufferSizeKey), new("temporary-directory", true, 'T'),
        new("parallel", true, '\u0002'), new("merge", false, 'm'), new("sort", true, SortKeyWord),
        new("files0-from", true, FilesFromKey), new("batch-size", true, BatchSizeKey), new("compress-program", true, CompressKey),
    ];

    /// <summary>The key GnuArgs reports for <c>--batch-size=NMERGE</c>.</summary>
    private const char BatchSizeKey = '\u0008';

    /// <summary>The key GnuArgs reports for <c>--compress-program=PROG</c>.</summary>
    private const char CompressKey = '\u000e';

    /// <summary>The key GnuArgs reports for <c>--files0-from=F</c>.</summary>
    private const char FilesFromKey = '\u0007';

    /// <summary>The key GnuArgs reports for <c>--check[=WORD]</c>.</summary>
    private const char CheckKey = '\u0004';

    /// <summary>The key GnuArgs reports for <c>--buffer-size=SIZE</c> (-S's messages name the option as given).</summary>
    private const char BufferSizeKey = '\u0006';

    /// <summary>The key GnuArgs reports for <c>--sort=WORD</c>.</summary>
    private const char SortKeyWord = '\u0005';

    /// <summary>The words of <c>--check=WORD</c>, each with the option it stands for.</summary>
    private static readonly (string Word, char Value)[] CheckWords = [("quiet", 'C'), ("silent", 'C'), ("diagnose-first", 'c')];

    /// <summary>The words of <c>--sort=WORD</c>, each with the ordering option it stands for.</summary>
    private static readonly (string Word, char Value)[] SortWords =
        [("general-numeric", 'g'), ("human-numeric", 'h'), ("month", 'M'), ("numeric", 'n'), ("random", 'R'), ("version", 'V')];
}
