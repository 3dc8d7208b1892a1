using System.Text;
using Streams.Components;

namespace Streams.Shell.Builtins;

/// <summary><c>help</c> and <c>modules</c>.</summary>
internal static class HelpBuiltins
{
    public static void Register(BuiltinTable table)
    {
        table.Add(new Builtin("help", "help [NAME]", "list the commands, or show the help of one",
            "help\n  List the builtins and the components.\nhelp NAME\n  Show the full help of a builtin or a component.\n", Help));
        table.Add(new Builtin("modules", "modules", "list the modules that can be pushed onto a stream",
            "modules\n  List the components that can be pushed onto a stream as modules, one line each.\n", Modules));
    }

    private static ValueTask<int> Help(BuiltinContext context)
    {
        var session = context.Session;
        if (context.Arguments.Count == 0)
        {
            var text = new StringBuilder();
            text.Append("streams: a shell for pipelines of commands, programs and streams (see docs/shell.md).\n\n");
            text.Append("Builtins:\n");
            foreach (Builtin builtin in session.Builtins.All)
            {
                text.Append("  ").Append(builtin.Usage.PadRight(34)).Append(' ').Append(builtin.Summary).Append('\n');
            }

            string components = session.Registry.Describe(false);
            if (components.Length > 0)
            {
                text.Append("\nComponents:\n");
                foreach (string line in components.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    text.Append("  ").Append(line).Append('\n');
                }
            }

            text.Append("\nType 'help NAME' for more about NAME.\n");
            context.Write(text.ToString());
            return ValueTask.FromResult(0);
        }

        int status = 0;
        foreach (string name in context.Arguments)
        {
            if (session.Builtins.TryGet(name, out Builtin builtin) && !(builtin.Fallback && session.Registry.Contains(name)))
            {
                context.Write(builtin.Help.EndsWith('\n') ? builtin.Help : builtin.Help + "\n");
            }
            else if (session.Registry.TryGet(name, out ComponentDescriptor descriptor, out _))
            {
                context.Write(descriptor.Help.EndsWith('\n') ? descriptor.Help : descriptor.Help + "\n");
            }
            else
            {
                context.WriteError($"streams: help: no help topics match '{name}'; try 'help'\n");
                status = 1;
            }
        }

        return ValueTask.FromResult(status);
    }

    private static ValueTask<int> Modules(BuiltinContext context)
    {
        if (context.Arguments.Count > 0)
        {
            return ValueTask.FromResult(context.Usage("modules", "takes no arguments"));
        }

        context.Write(context.Session.Registry.Describe(true));
        return ValueTask.FromResult(0);
    }
}
