using System.Globalization;
using System.Text;

namespace Streams.Shell.Builtins;

/// <summary><c>cd</c>, <c>exit</c>, <c>set</c>, <c>true</c>, <c>false</c>, <c>:</c>, and the fallbacks <c>echo</c>
/// and <c>pwd</c> (used when no component of that name exists).</summary>
internal static class CoreBuiltins
{
    public static void Register(BuiltinTable table)
    {
        table.Add(new Builtin("cd", "cd [DIR]", "change the working directory",
            "cd [DIR]\n  Change the shell's working directory to DIR (default $HOME; '-' is the previous one).\n", Cd));
        table.Add(new Builtin("exit", "exit [N]", "leave the shell with status N",
            "exit [N]\n  Leave the shell with status N (0-255; default: the last command's status).\n", Exit));
        table.Add(new Builtin("set", "set [-o|+o OPTION] [-- ARGS...]", "set shell options and positional parameters",
            "set -o pipefail | set +o pipefail\n  With pipefail, a pipeline's status is that of the last command that failed.\nset -o\n  List the options.\nset -- ARGS...\n  Set the positional parameters $1, $2 ...\nset\n  List the shell variables.\n", Set));
        table.Add(new Builtin("true", "true", "do nothing, successfully", "true\n  Exit with status 0.\n", _ => ValueTask.FromResult(0)));
        table.Add(new Builtin(":", ":", "do nothing, successfully", ":\n  Exit with status 0.\n", _ => ValueTask.FromResult(0)));
        table.Add(new Builtin("false", "false", "do nothing, unsuccessfully", "false\n  Exit with status 1.\n", _ => ValueTask.FromResult(1)));
        table.Add(new Builtin("echo", "echo [-neE] [ARG...]", "write arguments to standard output",
            "echo [-neE] [ARG...]\n  Write the arguments separated by spaces and a newline.\n  -n  no newline\n  -e  interpret \\n \\t \\\\ \\a \\b \\c \\f \\r \\v \\0NNN\n  -E  do not interpret (default)\n", Echo, Fallback: true));
        table.Add(new Builtin("pwd", "pwd", "print the working directory", "pwd\n  Print the shell's working directory.\n", Pwd, Fallback: true));
    }

    private static ValueTask<int> Cd(BuiltinContext context)
    {
        var session = context.Session;
        string? target = context.Arguments.Count > 0 ? context.Arguments[0] : session.GetVariable("HOME");
        if (context.Arguments.Count > 1)
        {
            // Status 1, as in bash (not a usage error's 2).
            return ValueTask.FromResult(context.Usage("cd", "too many arguments") - 1);
        }

        if (context.Arguments.Count == 1 && target == "")
        {
            // bash: an empty operand stays where it is.
            return ValueTask.FromResult(0);
        }

        if (string.IsNullOrEmpty(target))
        {
            return ValueTask.FromResult(context.Usage("cd", "HOME not set") - 1);
        }

        bool print = false;
        if (target == "-")
        {
            target = session.GetVariable("OLDPWD");
            if (target is null)
            {
                context.WriteError("streams: cd: OLDPWD not set\n");
                return ValueTask.FromResult(1);
            }

            print = true;
        }

        string path = session.ResolvePath(target);
        if (!Directory.Exists(path))
        {
            context.WriteError($"streams: cd: {target}: {(File.Exists(path) ? "Not a directory" : "No such file or directory")}\n");
            return ValueTask.FromResult(1);
        }

        session.SetVariable("OLDPWD", session.WorkingDirectory);
        session.WorkingDirectory = Path.TrimEndingDirectorySeparator(path).Length == 0 ? "/" : Path.TrimEndingDirectorySeparator(path);
        session.SetVariable("PWD", session.WorkingDirectory);
        if (print)
        {
            context.Write(session.WorkingDirectory + "\n");
        }

        return ValueTask.FromResult(0);
    }

    private static ValueTask<int> Exit(BuiltinContext context)
    {
        long status = context.Session.LastStatus;
        if (context.Arguments.Count > 1)
        {
            // bash still leaves, with status 1.
            status = context.Usage("exit", "too many arguments") - 1;
        }
        else if (context.Arguments.Count == 1)
        {
            // As bash reads it: an intmax_t, blanks around it allowed.
            const NumberStyles style = NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;
            if (!long.TryParse(context.Arguments[0], style, CultureInfo.InvariantCulture, out status))
            {
                context.Usage("exit", $"{context.Arguments[0]}: numeric argument required");
                status = 2;
            }
        }

        status &= 0xFF;
        context.Session.ExitRequested = (int)status;
        return ValueTask.FromResult((int)status);
    }

    private static ValueTask<int> Set(BuiltinContext context)
    {
        var session = context.Session;
        IReadOnlyList<string> args = context.Arguments;
        if (args.Count == 0)
        {
            var text = new StringBuilder();
            foreach (KeyValuePair<string, string> pair in session.Variables.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append(pair.Key).Append('=').Append(VariableBuiltins.Quote(pair.Value)).Append('\n');
            }

            context.Write(text.ToString());
            return ValueTask.FromResult(0);
        }

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                session.Positionals = args.Skip(i + 1).ToArray();
                return ValueTask.FromResult(0);
            }

            if (arg is "-o" or "+o")
            {
                if (i + 1 >= args.Count)
                {
                    if (arg == "-o")
                    {
                        context.Write($"pipefail\t{(session.Pipefail ? "on" : "off")}\n");
                    }
                    else
                    {
                        context.Write($"set {(session.Pipefail ? "-o" : "+o")} pipefail\n");
                    }

                    return ValueTask.FromResult(0);
                }

                string option = args[++i];
                if (option != "pipefail")
                {
                    return ValueTask.FromResult(context.Usage("set", $"{option}: invalid option name"));
                }

                session.Pipefail = arg == "-o";
                continue;
            }

            return ValueTask.FromResult(context.Usage("set", $"{arg}: invalid option (supported: -o pipefail, +o pipefail, --)"));
        }

        return ValueTask.FromResult(0);
    }

    private static ValueTask<int> Echo(BuiltinContext context)
    {
        IReadOnlyList<string> args = context.Arguments;
        bool newline = true, escapes = false;
        int i = 0;
        for (; i < args.Count; i++)
        {
            string a = args[i];
            if (a.Length < 2 || a[0] != '-' || a.AsSpan(1).IndexOfAnyExcept("neE") >= 0)
            {
                break;
            }

            foreach (char c in a.AsSpan(1))
            {
                switch (c)
                {
                    case 'n': newline = false; break;
                    case 'e': escapes = true; break;
                    default: escapes = false; break;
                }
            }
        }

        var text = new StringBuilder();
        for (int k = i; k < args.Count; k++)
        {
            if (k > i)
            {
                text.Append(' ');
            }

            if (escapes && Unescape(args[k], text))
            {
                context.Write(text.ToString());
                return ValueTask.FromResult(0);
            }

            if (!escapes)
            {
                text.Append(args[k]);
            }
        }

        if (newline)
        {
            text.Append('\n');
        }

        context.Write(text.ToString());
        return ValueTask.FromResult(0);
    }

    /// <summary>Appends <paramref name="s"/> with echo's escapes; true at <c>\c</c> (stop output).</summary>
    private static bool Unescape(string s, StringBuilder text)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length)
            {
                text.Append(s[i]);
                continue;
            }

            char c = s[++i];
            switch (c)
            {
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case '\\': text.Append('\\'); break;
                case 'a': text.Append('\a'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'r': text.Append('\r'); break;
                case 'v': text.Append('\v'); break;
                case 'e': text.Append('\x1b'); break;
                case 'c': return true;
                case '0':
                    int value = 0, n = 0;
                    while (n < 3 && i + 1 < s.Length && s[i + 1] is >= '0' and <= '7')
                    {
                        value = (value * 8) + (s[++i] - '0');
                        n++;
                    }

                    text.Append((char)(value & 0xFF));
                    break;
                default: text.Append('\\').Append(c); break;
            }
        }

        return false;
    }

    private static ValueTask<int> Pwd(BuiltinContext context)
    {
        context.Write(context.Session.WorkingDirectory + "\n");
        return ValueTask.FromResult(0);
    }
}
