using System.Text;
using Streams.Modules.Text.Regex;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>sed</c>: a stream editor with GNU sed 4.9's syntax and behaviour: every command (but the
/// debugging <c>v</c>/<c>--debug</c>), line / <c>$</c> / regex / step addresses, ranges, <c>!</c>, and the options
/// <c>-n -e -f -E -i -s -z -u -l --posix --sandbox</c>.</summary>
/// <remarks>
/// The pattern space is a Latin-1 string (one char per byte) so that any bytes pass unchanged. Output keeps
/// GNU's rule for a last line without a newline: it is written without one, and a newline is added only if
/// more output follows (per output: see <see cref="SedOutput"/>). Exit status: 0, 1 for a bad script or usage,
/// 2 when an input file could not be read, 4 for an I/O error (a <c>w</c> file that cannot be opened, a file
/// <c>-i</c> cannot edit), or the status given to <c>q</c>/<c>Q</c>.
/// </remarks>
internal sealed partial class SedCommand : PipelineStage
{
    /// <summary>The text of <c>sed --help</c>.</summary>
    internal const string HelpText = """
        Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

          -n, --quiet, --silent
                         suppress automatic printing of pattern space
          -e script, --expression=script
                         add the script to the commands to be executed
          -f script-file, --file=script-file
                         add the contents of script-file to the commands to be executed
          -i[SUFFIX], --in-place[=SUFFIX]
                         edit files in place (makes backup if SUFFIX supplied;
                         a '*' in SUFFIX stands for the file name)
          -l N, --line-length=N
                         specify the desired line-wrap length for the `l' command
          --posix
                         disable GNU extension commands (e F z Q T R W), N at the
                         end of input prints nothing
          -E, -r, --regexp-extended
                         use extended regular expressions in the script
          -s, --separate
                         consider files as separate rather than as a single,
                         continuous long stream.
              --sandbox
                         operate in sandbox mode (disable e/r/w commands).
          -u, --unbuffered
                         flush the output after every line
          -z, --null-data
                         separate lines by NUL characters
              --help     display this help and exit

        Commands: s/regexp/replacement/[g N p I e w FILE], y/source/dest/, p, d, D, q [exit-code],
        Q [exit-code], =, n, N, P, h, H, g, G, x (the hold space), a, i, c TEXT (or a\ and the
        text on the next line), :label, b, t, T [label], and { commands } to group;
        r FILE (queue FILE's contents), R FILE (queue its next line), w FILE, W FILE (write the
        pattern space or its first line; /dev/stdout and /dev/stderr are special), l [N] (print
        unambiguously, wrapped at N), F (print the file name), z (empty the pattern space),
        e [COMMAND] (run COMMAND, or the pattern space, with /bin/sh).
        File names run to the end of the line. Addresses: N, $, /regexp/ (or \cregexpc, with I
        to ignore case), first~step, 0,/regexp/, 0r FILE, addr1,addr2, addr1,+N, and addr! to negate.
        Commands are separated by ';' or newlines.

        If no -e, --expression, -f, or --file option is given, then the first
        non-option argument is taken as the sed script to interpret.  All
        remaining arguments are names of input files; if no input files are
        specified, then the standard input is read.

        """;

    private const string UsageTail = "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...";

    private readonly SedProgram _program = new();
    private PosixRegex? _lastRegex;
    private int[] _captures = new int[20];
    private bool _quiet;
    private bool _replaced;
    private bool _separate;
    private bool _unbuffered;
    private string? _inPlaceSuffix;
    private int _lineLength = 70;
    private byte _delimiter = (byte)'\n';

    // GNU's s_accum.chomped: e swaps it with the pattern space's flag (see Evaluate).
    private bool _accumNewline = true;
    private readonly List<(string? Text, string? File)> _append = [];
    private SedOutput _out = null!;
    private StageContext _context = null!;

    /// <inheritdoc />
    public override string Name => "sed";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var files = new List<string>();
        _context = context;
        _out = new SedOutput("-", context.Output);
        try
        {
            try
            {
                if (ParseArguments(context, files, out bool help) is string usage)
                {
                    await context.WriteErrorLineAsync(usage).ConfigureAwait(false);
                    return 1;
                }

                if (help)
                {
                    context.Output.WriteUtf8(HelpText);
                    await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
                    return 0;
                }
            }
            catch (FormatException ex)
            {
                // GNU ends with 4 (its "panic" status) for a jump to a missing label, 1 for any other script error.
                await context.WriteErrorLineAsync(ex.Message).ConfigureAwait(false);
                return ex.Message.StartsWith("sed: can't find label", StringComparison.Ordinal) ? 4 : 1;
            }

            if (_inPlaceSuffix is not null && files.Count == 0)
            {
                await context.WriteErrorLineAsync("sed: no input files").ConfigureAwait(false);
                return 4;
            }

            _quiet |= _program.Quiet;
            var input = new SedInput(context, files)
            {
                Delimiter = _delimiter,
                Separate = _separate || _inPlaceSuffix is not null,
                InPlace = _inPlaceSuffix is not null,
                Opened = _inPlaceSuffix is null ? null : (name, path) => BeginEditAsync(name, path),
                Closed = _inPlaceSuffix is null ? null : EndEditAsync,
            };
            await using (input.ConfigureAwait(false))
            {
                int? status = await ExecuteAsync(context, input).ConfigureAwait(false);
                await input.FinishAsync().ConfigureAwait(false);
                await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
                return input.Fatal ? 4 : input.HadError ? 2 : status ?? 0;
            }
        }
        finally
        {
            await CloseFilesAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>Parses options and the script; returns a usage error, or null.</summary>
    private string? ParseArguments(StageContext context, List<string> files, out bool help)
    {
        help = false;
        var scripts = new List<string>();
        bool extended = false;
        var operands = new List<string>();
        IReadOnlyList<string> args = context.Arguments;
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
                int eq = arg.IndexOf('=', StringComparison.Ordinal);
                string name = eq < 0 ? arg[2..] : arg[2..eq];
                string? value = eq < 0 ? null : arg[(eq + 1)..];
                if (name is "expression" or "file" or "line-length")
                {
                    value ??= i + 1 < args.Count ? args[++i] : null;
                    if (value is null)
                    {
                        return $"sed: option '--{name}' requires an argument\n{UsageTail}";
                    }
                }
                else if (value is not null && name != "in-place")
                {
                    return $"sed: option '--{name}' doesn't allow an argument\n{UsageTail}";
                }

                switch (name)
                {
                    case "quiet" or "silent":
                        _quiet = true;
                        break;
                    case "regexp-extended":
                        extended = true;
                        break;
                    case "help":
                        help = true;
                        break;
                    case "expression" or "file":
                        scripts.Add(name == "file" ? ReadScriptFile(context, value!) : GrepOptions.ToLatin1(value!));
                        break;
                    case "in-place":
                        _inPlaceSuffix = value ?? string.Empty;
                        break;
                    case "line-length":
                        _lineLength = ParseInt(value!);
                        break;
                    case "separate":
                        _separate = true;
                        break;
                    case "null-data" or "zero-terminated":
                        _delimiter = 0;
                        break;
                    case "unbuffered":
                        _unbuffered = true;
                        break;
                    case "posix":
                        _program.Posix = true;
                        break;
                    case "sandbox":
                        _program.Sandbox = true;
                        break;
                    case "binary":
                        break;
                    default:
                        return $"sed: unrecognized option '{arg}'\n{UsageTail}";
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
                if (c is 'e' or 'f' or 'l')
                {
                    string? value = j + 1 < arg.Length ? arg[(j + 1)..] : (i + 1 < args.Count ? args[++i] : null);
                    if (value is null)
                    {
                        return $"sed: option requires an argument -- '{c}'\n{UsageTail}";
                    }

                    if (c == 'l')
                    {
                        _lineLength = ParseInt(value);
                    }
                    else
                    {
                        scripts.Add(c == 'f' ? ReadScriptFile(context, value) : GrepOptions.ToLatin1(value));
                    }

                    break;
                }

                if (c == 'i')
                {
                    // -i takes the rest of the word as its suffix (so -in is -i with the suffix "n").
                    _inPlaceSuffix = arg[(j + 1)..];
                    break;
                }

                switch (c)
                {
                    case 'n':
                        _quiet = true;
                        break;
                    case 'E' or 'r':
                        extended = true;
                        break;
                    case 's':
                        _separate = true;
                        break;
                    case 'z':
                        _delimiter = 0;
                        break;
                    case 'u':
                        _unbuffered = true;
                        break;
                    case 'b':
                        break;
                    default:
                        return $"sed: invalid option -- '{c}'\n{UsageTail}";
                }
            }
        }

        if (help)
        {
            return null;
        }

        if (scripts.Count == 0)
        {
            if (operands.Count == 0)
            {
                return UsageTail;
            }

            scripts.Add(GrepOptions.ToLatin1(operands[0]));
            operands.RemoveAt(0);
        }

        _stdinIsInput = _inPlaceSuffix is null && (operands.Count == 0 || operands.Contains("-"));
        _program.OpenOutput = name => OpenOutput(context, name);
        _program.OpenRead = name => OpenRead(context, name);
        for (int i = 0; i < scripts.Count; i++)
        {
            SedParser.Parse(scripts[i], i + 1, extended, _program);
        }

        if (_program.OpenBlocks.Count > 0)
        {
            throw new FormatException("sed: -e expression #1, char 0: unmatched `{'");
        }

        _program.ResolveLabels();

        files.AddRange(operands);
        return null;
    }

    // C's atoi, as GNU reads -l: leading blanks, a sign, digits; anything else ends the number (0 if none).
    private static int ParseInt(string text)
    {
        int i = 0;
        while (i < text.Length && text[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
        {
            i++;
        }

        bool negative = i < text.Length && text[i] == '-';
        if (i < text.Length && text[i] is '-' or '+')
        {
            i++;
        }

        long value = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            value = Math.Min((value * 10) + (text[i++] - '0'), int.MaxValue);
        }

        return (int)(negative ? -value : value);
    }

    private static string ReadScriptFile(StageContext context, string name)
    {
        try
        {
            string text = Encoding.Latin1.GetString(File.ReadAllBytes(context.ResolvePath(name)));
            return text.EndsWith('\n') ? text[..^1] : text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"sed: couldn't open file {name}: No such file or directory");
        }
    }
}
