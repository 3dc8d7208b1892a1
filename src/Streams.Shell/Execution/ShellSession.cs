using Streams.Components;
using Streams.Shell.Builtins;

namespace Streams.Shell.Execution;

/// <summary>The state of one shell: variables, positional parameters, options, working directory, jobs and
/// the last status. A pipeline of several commands and a background job run on a copy (a subshell).</summary>
internal sealed class ShellSession
{
    private readonly Lazy<ComponentRegistry> _registry;

    public ShellSession(ShellStdio stdio, Lazy<ComponentRegistry> registry, BuiltinTable builtins)
    {
        Stdio = stdio;
        _registry = registry;
        Builtins = builtins;
        Jobs = new JobTable();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string key && e.Value is string value)
            {
                Variables[key] = value;
                Exported.Add(key);
            }
        }

        WorkingDirectory = Directory.GetCurrentDirectory();
        Variables["PWD"] = WorkingDirectory;
        Exported.Add("PWD");
    }

    private ShellSession(ShellSession parent, ShellStdio? stdio)
    {
        Stdio = stdio ?? parent.Stdio;
        _registry = parent._registry;
        Builtins = parent.Builtins;
        Jobs = parent.Jobs;
        Variables = new Dictionary<string, string>(parent.Variables, StringComparer.Ordinal);
        Exported = new HashSet<string>(parent.Exported, StringComparer.Ordinal);
        Positionals = parent.Positionals;
        ScriptName = parent.ScriptName;
        LastStatus = parent.LastStatus;
        Pipefail = parent.Pipefail;
        WorkingDirectory = parent.WorkingDirectory;
        Interactive = false;
        Debug = parent.Debug;
        IsSubshell = true;
    }

    public ShellStdio Stdio { get; }

    /// <summary>The components, built on first use so that start-up stays small.</summary>
    public ComponentRegistry Registry => _registry.Value;

    public BuiltinTable Builtins { get; }

    public JobTable Jobs { get; }

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Exported { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Positionals { get; set; } = [];

    public string ScriptName { get; set; } = "streams";

    public int LastStatus { get; set; }

    /// <summary>Set by <c>wait</c> and <c>fg</c> when their status is that of a job stopped by <c>kill</c>: a 130
    /// from <c>kill -INT %N</c> is not a Ctrl-C, and the line goes on.</summary>
    public bool LastStatusFromKill { get; set; }

    public bool Pipefail { get; set; }

    public string WorkingDirectory { get; set; }

    public bool Interactive { get; set; }

    public bool Debug { get; set; }

    public bool IsSubshell { get; }

    /// <summary>Set by <c>exit</c>: the shell stops after the current command.</summary>
    public int? ExitRequested { get; set; }

    /// <summary>A copy of this shell for a pipeline stage, a background job or a connection: changes to its
    /// variables and directory stay in the copy.</summary>
    /// <param name="stdio">Other stdio for the copy (a connection's), or null to share this shell's.</param>
    public ShellSession CreateSubshell(ShellStdio? stdio = null) => new(this, stdio);

    public string? GetVariable(string name) => Variables.TryGetValue(name, out string? value) ? value : null;

    public void SetVariable(string name, string value)
    {
        Variables[name] = value;
    }

    /// <summary>The environment of a command: the exported variables.</summary>
    public Dictionary<string, string> ExportedEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in Exported)
        {
            if (Variables.TryGetValue(name, out string? value))
            {
                env[name] = value;
            }
        }

        return env;
    }

    /// <summary>Resolves a path against the shell's working directory.</summary>
    public string ResolvePath(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(WorkingDirectory, path));
}
