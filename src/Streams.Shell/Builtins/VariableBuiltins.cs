using System.Text;
using Streams.Shell.Syntax;

namespace Streams.Shell.Builtins;

/// <summary><c>export</c> and <c>unset</c>.</summary>
internal static class VariableBuiltins
{
    public static void Register(BuiltinTable table)
    {
        table.Add(new Builtin("export", "export [NAME[=VALUE]...]", "give variables to the commands' environment",
            "export NAME[=VALUE]...\n  Mark each NAME for the environment of the commands the shell runs, setting it to VALUE first.\nexport\n  List the exported variables.\n", Export));
        table.Add(new Builtin("unset", "unset NAME...", "remove variables", "unset NAME...\n  Remove each variable (and its export).\n", Unset));
    }

    private static ValueTask<int> Export(BuiltinContext context)
    {
        var session = context.Session;
        if (context.Arguments.Count == 0 || (context.Arguments.Count == 1 && context.Arguments[0] == "-p"))
        {
            var text = new StringBuilder();
            foreach (string name in session.Exported.Order(StringComparer.Ordinal))
            {
                text.Append("export ").Append(name);
                if (session.GetVariable(name) is { } value)
                {
                    text.Append('=').Append(Quote(value));
                }

                text.Append('\n');
            }

            context.Write(text.ToString());
            return ValueTask.FromResult(0);
        }

        int status = 0;
        foreach (string argument in context.Arguments)
        {
            int eq = argument.IndexOf('=');
            string name = eq < 0 ? argument : argument[..eq];
            if (!Lexer.IsName(name))
            {
                context.WriteError($"streams: export: '{argument}': not a valid identifier\n");
                status = 1;
                continue;
            }

            if (eq >= 0)
            {
                session.SetVariable(name, argument[(eq + 1)..]);
            }

            session.Exported.Add(name);
        }

        return ValueTask.FromResult(status);
    }

    private static ValueTask<int> Unset(BuiltinContext context)
    {
        foreach (string name in context.Arguments)
        {
            context.Session.Variables.Remove(name);
            context.Session.Exported.Remove(name);
        }

        return ValueTask.FromResult(0);
    }

    /// <summary>Quotes a value so that the shell reads it back unchanged.</summary>
    public static string Quote(string value)
    {
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ':' or ',' or '+' or '=' or '@' or '%'))
        {
            return value;
        }

        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
