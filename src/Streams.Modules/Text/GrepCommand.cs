using System.IO.Pipelines;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Modules.Text.Regex;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>grep</c>: prints the lines that match patterns, as GNU grep 3 does in the C locale.</summary>
/// <remarks>
/// Lines are bytes; a line is matched as Latin-1 chars so that invalid UTF-8 and CR pass unchanged. A single
/// pattern without metachars (or with -F) and without -i/-w/-x is searched with a vectorized byte search over
/// whole blocks of lines; anything else goes through <see cref="PosixRegex"/> line by line, reusing one char
/// buffer. Exit status: 0 when a line was selected, 1 when none was, 2 on error (even with matches, unless -q
/// found one).
/// </remarks>
internal sealed partial class GrepCommand : PipelineStage
{
    /// <summary>The text of <c>grep --help</c>.</summary>
    internal const string HelpText = """
        Usage: grep [OPTION]... PATTERNS [FILE]...
        Search for PATTERNS in each FILE.
        Example: grep -i 'hello world' menu.h main.c
        PATTERNS can contain multiple patterns separated by newlines.

        Pattern selection and interpretation:
          -E, --extended-regexp     PATTERNS are extended regular expressions
          -F, --fixed-strings       PATTERNS are strings
          -G, --basic-regexp        PATTERNS are basic regular expressions (default)
          -P, --perl-regexp         PATTERNS are Perl regular expressions (.NET's engine)
          -e, --regexp=PATTERNS     use PATTERNS for matching
          -f, --file=FILE           take PATTERNS from FILE
          -i, --ignore-case         ignore case distinctions in patterns and data
              --no-ignore-case      do not ignore case distinctions (default)
          -w, --word-regexp         match only whole words
          -x, --line-regexp         match only whole lines
          -z, --null-data           a data line ends in 0 byte, not newline

        Miscellaneous:
          -s, --no-messages         suppress error messages
          -v, --invert-match        select non-matching lines
              --help                display this help text and exit

        Output control:
          -m, --max-count=NUM       stop after NUM selected lines
          -b, --byte-offset         print the byte offset with output lines
          -n, --line-number         print line number with output lines
          -H, --with-filename       print file name with output lines
          -h, --no-filename         suppress the file name prefix on output
          -o, --only-matching       show only nonempty parts of lines that match
          -q, --quiet, --silent     suppress all normal output
          -L, --files-without-match  print only names of FILEs with no selected lines
          -l, --files-with-matches  print only names of FILEs with selected lines
          -c, --count               print only a count of selected lines per FILE
          -T, --initial-tab         make tabs line up (if needed)
          -Z, --null                print 0 byte after FILE name
              --label=LABEL         use LABEL as the standard input file name prefix
              --line-buffered       flush output on every line (lines already go out
                                    whenever grep waits for input)

        File and directory selection:
          -a, --text                equivalent to --binary-files=text
          -I                        equivalent to --binary-files=without-match
              --binary-files=TYPE   assume that binary files are TYPE;
                                    TYPE is 'binary', 'text', or 'without-match'
          -U, --binary              do not strip CR characters at EOL (no effect here)
          -u, --unix-byte-offsets   obsolete: a warning, and no effect
          -d, --directories=ACTION  how to handle directories;
                                    ACTION is 'read', 'recurse', or 'skip'
          -D, --devices=ACTION      how to handle devices, FIFOs and sockets;
                                    ACTION is 'read' or 'skip'
          -r, --recursive           search the files under directory operands (. when none)
          -R, --dereference-recursive  likewise, but follow all symlinks
              --include=GLOB        search only files that match GLOB (a file pattern)
              --exclude=GLOB        skip files that match GLOB
              --exclude-from=FILE   skip files that match any file pattern from FILE
              --exclude-dir=GLOB    skip directories that match GLOB

        Context control:
          -B, --before-context=NUM  print NUM lines of leading context
          -A, --after-context=NUM   print NUM lines of trailing context
          -C, --context=NUM         print NUM lines of output context
          -NUM                      same as --context=NUM
              --group-separator=SEP  print SEP on line between matches with context
              --no-group-separator  do not print separator for matches with context
              --color[=WHEN],
              --colour[=WHEN]       use markers to highlight the matching strings;
                                    WHEN is 'always', 'never', or 'auto'
                                    (GREP_COLORS as GNU's: ms mc sl cx fn ln bn se rv ne)

        When FILE is '-', read standard input.  With no FILE, read '.' if
        recursive, '-' otherwise.
        With fewer than two FILEs, assume -h.
        Matching follows GNU grep in the C locale: bytes, leftmost-longest matches.
        Exit status is 0 if any line is selected, 1 otherwise;
        if any error occurs and -q is not given, the exit status is 2.

        """;

    private string StdinName => _options.Label ?? "(standard input)";

    private GrepOptions _options = new();
    private PosixRegex? _regex;
    private byte[]? _literal;
    private char[]? _chars;
    private int[] _captures = [];
    private bool _withName;

    /// <inheritdoc />
    public override string Name => "grep";

    /// <inheritdoc />
    /// <remarks>GNU grep ends with 2 on trouble, a write error included.</remarks>
    public override int FailureStatus => 2;

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? error = GrepOptions.Parse(context.Arguments, context.ResolvePath, out _options);
        _eol = _options.NullData ? (byte)0 : (byte)'\n';
        if (_options.UnixByteOffsets)
        {
            await context.WriteErrorLineAsync("grep: warning: --unix-byte-offsets (-u) is obsolete").ConfigureAwait(false);
        }

        if (error is not null)
        {
            // GNU adds its usage lines to option errors, not to bad values (conflicting matchers, -m, -A/-B/-C).
            bool usage = error.Length == 0 || !(error.StartsWith("grep: conflicting", StringComparison.Ordinal)
                || error.EndsWith("invalid max count", StringComparison.Ordinal) || error.EndsWith("invalid context length argument", StringComparison.Ordinal)
                || error.EndsWith("unknown binary-files type", StringComparison.Ordinal) || error.EndsWith("unknown devices method", StringComparison.Ordinal)
                || error.EndsWith(": No such file or directory", StringComparison.Ordinal) || error.EndsWith(": Permission denied", StringComparison.Ordinal));
            await context.WriteErrorLineAsync(error.Length == 0 ? GrepOptions.UsageTail : usage ? error + "\n" + GrepOptions.UsageTail : error).ConfigureAwait(false);

            // GNU's argmatch (-d) fails with EXIT_FAILURE, 1; every other usage error with 2.
            return error.Contains("for '--directories'", StringComparison.Ordinal) ? 1 : 2;
        }

        if (_options.Help)
        {
            context.Output.WriteUtf8(HelpText);
            await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
            return 0;
        }

        await ChooseColorsAsync(context).ConfigureAwait(false);
        try
        {
            Compile();
        }
        catch (PosixRegexException ex)
        {
            await context.WriteErrorLineAsync("grep: " + ex.Message).ConfigureAwait(false);
            return 2;
        }

        bool nothingMatches = _options.Patterns.Count == 0 && !_options.Invert;
        bool everythingMatches = _options.Invert && _options.Shape == MatchShape.Anywhere && _options.Patterns.Count > 0 && _options.Patterns.TrueForAll(p => p.Length == 0);
        if ((nothingMatches || everythingMatches) && !_options.FilesWithoutMatch)
        {
            // GNU grep sees that no line can be selected and exits at once, without output, even for -c; it tells
            // so by the patterns' total length (0 when only empty ones, duplicates dropped), so -v -e x -e '' still
            // reads the input (grep -vc prints 0).
            return 1;
        }

        // Names go with the lines when there are several operands; with -r, also for what a directory operand holds.
        bool severalOperands = _options.Files.Count > 1;
        _withContext = _options.ContextGiven && !_options.Count && !_options.Quiet && !_options.FilesWithMatches && !_options.FilesWithoutMatch;
        bool anySelected = false;
        bool anyError = false;
        string current = StdinName;
        try
        {
            foreach (GrepInput input in Inputs(context, _options.Files))
            {
                _withName = _options.WithFileName ?? (severalOperands || input.Found);
                current = input.Operand == "-" ? StdinName : input.Name;
                string file = input.Operand;
                FileOutcome outcome;
                if (input.Problem is not null)
                {
                    anyError |= !input.Warning;
                    if (!_options.NoMessages)
                    {
                        await context.WriteErrorLineAsync($"grep: {input.Name}: {input.Problem}").ConfigureAwait(false);
                    }

                    continue;
                }

                if (CountOnly && TryCountInParts(context, file, out long selected))
                {
                    WriteCount(context.Output, file == "-" ? StdinName : input.Name, selected);
                    outcome = selected > 0 ? FileOutcome.Selected : FileOutcome.None;
                }
                else if (file == "-" || StandardNames.IsInput(file))
                {
                    outcome = await SearchAsync(context, context.Input, file == "-" ? StdinName : file, context.InputLength).ConfigureAwait(false);
                }
                else
                {
                    string path = context.ResolvePath(file);
                    string? problem = Directory.Exists(path) ? "Is a directory" : null;
                    FileStream? stream = null;
                    if (problem is null)
                    {
                        try
                        {
                            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
                        }
                        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                        {
                            problem = "No such file or directory";
                        }
                        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                        {
                            problem = "Permission denied";
                        }
                    }

                    if (stream is null)
                    {
                        anyError = true;
                        if (!_options.NoMessages)
                        {
                            await context.WriteErrorLineAsync($"grep: {input.Name}: {problem}").ConfigureAwait(false);
                        }

                        continue;
                    }

                    await using (stream.ConfigureAwait(false))
                    {
                        PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 256 * 1024));
                        try
                        {
                            outcome = await SearchAsync(context, reader, input.Name, stream.CanSeek ? stream.Length : null).ConfigureAwait(false);
                        }
                        finally
                        {
                            await reader.CompleteAsync().ConfigureAwait(false);
                        }
                    }
                }

                anySelected |= outcome != FileOutcome.None;
                if (outcome == FileOutcome.Quit)
                {
                    return 0;
                }
            }
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            // -P: GNU stops at PCRE's backtracking limit; here a search that runs longer than PerlTimeout.
            await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
            await context.WriteErrorLineAsync($"grep: {current}: exceeded PCRE's backtracking limit").ConfigureAwait(false);
            return 2;
        }

        await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
        return anyError ? 2 : anySelected ? 0 : 1;
    }

    private void Compile()
    {
        PosixSyntax syntax = _options.Syntax | (_options.IgnoreCase ? PosixSyntax.IgnoreCase : 0);
        List<string> patterns = _options.Patterns;
        if (patterns.Count == 0)
        {
            return;
        }

        if (_options.Perl)
        {
            // As GNU's: one pattern only (and no fixed-string shortcut: \ and friends mean something).
            _regex = patterns.Count == 1 ? PosixRegex.CreatePerl(patterns[0], _options.IgnoreCase, _options.Shape)
                : throw new PosixRegexException("the -P option only supports a single pattern");
            _captures = new int[2 * (_regex.GroupCount + 1)];
            return;
        }

        _regex = PosixRegex.Create(patterns, syntax, _options.Shape);
        _captures = new int[2 * (_regex.GroupCount + 1)];
        if (patterns.Count == 1 && patterns[0].Length > 0 && !_options.IgnoreCase && _options.Shape == MatchShape.Anywhere && IsLiteral(patterns[0], syntax))
        {
            _literal = Encoding.Latin1.GetBytes(patterns[0]);
        }
    }

    private static bool IsLiteral(string pattern, PosixSyntax syntax)
    {
        if ((syntax & PosixSyntax.Fixed) != 0)
        {
            return true;
        }

        string meta = (syntax & PosixSyntax.Extended) != 0 ? "\\[.*^$+?{}()|" : "\\[.*^$";
        return pattern.AsSpan().IndexOfAny(meta) < 0;
    }

    /// <summary>Whether <paramref name="line"/> (without its newline) matches any pattern; <paramref name="chars"/>
    /// is the caller's buffer for the line's characters (one per thread).</summary>
    private bool LineMatches(ReadOnlySpan<byte> line, ref char[]? chars)
    {
        if (_literal is not null)
        {
            return line.IndexOf(_literal) >= 0;
        }

        if (_regex is null)
        {
            return false;
        }

        if (chars is null || chars.Length < line.Length)
        {
            chars = new char[Math.Max(line.Length, Math.Max(4096, (chars?.Length ?? 0) * 2))];
        }

        int n = Encoding.Latin1.GetChars(line, chars);
        return _regex.IsMatch(chars.AsSpan(0, n));
    }
}
