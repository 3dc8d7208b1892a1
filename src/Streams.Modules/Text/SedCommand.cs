using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Streams.Modules.Text.Regex;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>sed</c>: a stream editor with GNU sed 4's syntax for the commands it supports
/// (<c>s p d q Q = n { }</c>, line / <c>$</c> / regex / step addresses, ranges, <c>!</c>).</summary>
/// <remarks>
/// The pattern space is a Latin-1 string (one char per byte) so that any bytes pass unchanged. Output keeps
/// GNU's rule for a last line without a newline: it is written without one, and a newline is added only if
/// more output follows. Exit status: 0, 1 for a bad script or usage, 2 when an input file could not be read,
/// or the status given to <c>q</c>/<c>Q</c>.
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
          -E, -r, --regexp-extended
                         use extended regular expressions in the script
              --help     display this help and exit

        Commands: s/regexp/replacement/[g N p I], y/source/dest/, p, d, D, q [exit-code],
        Q [exit-code], =, n, N, P, h, H, g, G, x (the hold space), a, i, c TEXT (or a\ and the
        text on the next line), :label, b, t, T [label], and { commands } to group; addresses: N, $, /regexp/ (or \cregexpc, with I to ignore
        case), first~step, 0,/regexp/, addr1,addr2, addr1,+N, and addr! to negate.
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
    private bool _missingNewline;
    private bool _replaced;
    private readonly List<string> _append = [];

    /// <inheritdoc />
    public override string Name => "sed";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var files = new List<string>();
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

        _quiet |= _program.Quiet;
        var input = new SedInput(context, files);
        await using (input.ConfigureAwait(false))
        {
            int? status = await ExecuteAsync(context, input).ConfigureAwait(false);
            await context.Output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
            return input.Fatal ? 4 : status ?? (input.HadError ? 2 : 0);
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
                        value ??= i + 1 < args.Count ? args[++i] : null;
                        if (value is null)
                        {
                            return $"sed: option '--{name}' requires an argument\n{UsageTail}";
                        }

                        scripts.Add(name == "file" ? ReadScriptFile(context, value) : GrepOptions.ToLatin1(value));
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
                if (c is 'e' or 'f')
                {
                    string? value = j + 1 < arg.Length ? arg[(j + 1)..] : (i + 1 < args.Count ? args[++i] : null);
                    if (value is null)
                    {
                        return $"sed: option requires an argument -- '{c}'\n{UsageTail}";
                    }

                    scripts.Add(c == 'f' ? ReadScriptFile(context, value) : GrepOptions.ToLatin1(value));
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

    /// <summary>Writes the pattern space (or other text) as a line, keeping GNU's missing-newline rule.</summary>
    private void WriteLine(PipeWriter output, string text, bool newline)
    {
        if (_missingNewline)
        {
            output.Write("\n"u8);
            _missingNewline = false;
        }

        Span<byte> span = output.GetSpan(text.Length + 1);
        int n = Encoding.Latin1.GetBytes(text, span);
        if (newline)
        {
            span[n++] = (byte)'\n';
        }
        else
        {
            _missingNewline = true;
        }

        output.Advance(n);
    }
}
