namespace Streams.Modules.Text.Internal;

/// <summary>A long option: its name, whether it takes an argument, and the key it reports; an
/// <paramref name="OptionalArgument"/> comes only after '=' (<c>--check</c> or <c>--check=quiet</c>), and the option
/// reports null without one.</summary>
internal readonly record struct LongOption(string Name, bool HasArgument, char Key, bool OptionalArgument = false);

/// <summary>A small getopt_long: short options clustered (<c>-nr</c>), arguments attached or separate
/// (<c>-k2</c>, <c>-k 2</c>), long options with <c>=</c> or a separate argument and unambiguous prefixes,
/// operands anywhere (GNU permutation) unless <c>--</c> ends the options.</summary>
/// <remarks>Messages match glibc's getopt, without the command name.</remarks>
internal sealed class GnuArgs
{
    /// <summary>The key reported for <c>--help</c>.</summary>
    public const char HelpKey = '\u0001';

    private GnuArgs()
    {
    }

    /// <summary>Options in the order given: key (the short letter, or a long option's key) and argument.</summary>
    public List<(char Key, string? Value)> Options { get; } = [];

    /// <summary>The operands, in order.</summary>
    public List<string> Operands { get; } = [];

    /// <summary>The first error, such as <c>invalid option -- 'z'</c>, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Whether <c>--help</c> was given.</summary>
    public bool Help { get; private set; }

    /// <summary>Whether option <paramref name="key"/> was given.</summary>
    public bool Has(char key) => Options.Exists(o => o.Key == key);

    /// <summary>The last argument given to option <paramref name="key"/>, or null.</summary>
    public string? Last(char key)
    {
        for (int i = Options.Count - 1; i >= 0; i--)
        {
            if (Options[i].Key == key)
            {
                return Options[i].Value;
            }
        }

        return null;
    }

    /// <summary>Parses <paramref name="args"/>. <paramref name="shortSpec"/> is getopt's: a letter, followed by
    /// <c>:</c> when it takes an argument. <paramref name="isOperand"/> may claim an argument that starts with
    /// a dash as an operand (negative numbers for seq). A <paramref name="shortSpec"/> starting with <c>+</c>
    /// stops at the first operand, as getopt's does: every argument after it is an operand.</summary>
    public static GnuArgs Parse(IReadOnlyList<string> args, string shortSpec, IReadOnlyList<LongOption>? longs = null, Func<string, bool>? isOperand = null)
    {
        var parsed = new GnuArgs();
        longs ??= [];
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                for (i++; i < args.Count; i++)
                {
                    parsed.Operands.Add(args[i]);
                }

                break;
            }

            if (arg.Length < 2 || arg[0] != '-' || (isOperand != null && isOperand(arg)))
            {
                parsed.Operands.Add(arg);
                if (shortSpec.StartsWith('+'))
                {
                    parsed.Operands.AddRange(args.Skip(i + 1));
                    break;
                }

                continue;
            }

            if (arg[1] == '-')
            {
                if (!parsed.ParseLong(arg, args, ref i, longs))
                {
                    return parsed;
                }

                continue;
            }

            for (int j = 1; j < arg.Length; j++)
            {
                char c = arg[j];
                int at = c is ':' or '+' ? -1 : shortSpec.IndexOf(c, StringComparison.Ordinal);
                if (at < 0)
                {
                    parsed.Error = $"invalid option -- '{c}'";
                    return parsed;
                }

                bool takes = at + 1 < shortSpec.Length && shortSpec[at + 1] == ':';
                if (!takes)
                {
                    parsed.Options.Add((c, null));
                    continue;
                }

                if (j + 1 < arg.Length)
                {
                    parsed.Options.Add((c, arg[(j + 1)..]));
                }
                else if (i + 1 < args.Count)
                {
                    parsed.Options.Add((c, args[++i]));
                }
                else
                {
                    parsed.Error = $"option requires an argument -- '{c}'";
                    return parsed;
                }

                break;
            }
        }

        return parsed;
    }

    private bool ParseLong(string arg, IReadOnlyList<string> args, ref int i, IReadOnlyList<LongOption> longs)
    {
        int eq = arg.IndexOf('=', StringComparison.Ordinal);
        string name = eq < 0 ? arg[2..] : arg[2..eq];
        string? value = eq < 0 ? null : arg[(eq + 1)..];
        LongOption? match = null;
        bool ambiguous = false;
        foreach (LongOption option in longs.Append(new LongOption("help", false, HelpKey)))
        {
            if (option.Name == name)
            {
                match = option;
                ambiguous = false;
                break;
            }

            if (option.Name.StartsWith(name, StringComparison.Ordinal))
            {
                ambiguous = match != null;
                match = option;
            }
        }

        if (match is not LongOption found || ambiguous)
        {
            Error = ambiguous ? $"option '{arg}' is ambiguous" : $"unrecognized option '{arg}'";
            return false;
        }

        if (found.OptionalArgument)
        {
            // getopt's optional_argument: the value is what follows '=', if anything; the next argument is not it.
        }
        else if (found.HasArgument)
        {
            if (value == null)
            {
                if (i + 1 >= args.Count)
                {
                    Error = $"option '--{found.Name}' requires an argument";
                    return false;
                }

                value = args[++i];
            }
        }
        else if (value != null)
        {
            Error = $"option '--{found.Name}' doesn't allow an argument";
            return false;
        }

        if (found.Key == HelpKey)
        {
            Help = true;
        }

        Options.Add((found.Key, value));
        return true;
    }
}
