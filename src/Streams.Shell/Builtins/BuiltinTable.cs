using System.IO.Pipelines;
using Streams.Pipelines;
using Streams.Shell.Execution;

namespace Streams.Shell.Builtins;

/// <summary>Runs a builtin; returns its exit status.</summary>
internal delegate ValueTask<int> BuiltinHandler(BuiltinContext context);

/// <summary>A command the shell runs itself.</summary>
/// <param name="Name">The command name.</param>
/// <param name="Usage">The synopsis, such as <c>cd [DIR]</c>.</param>
/// <param name="Summary">One line for <c>help</c>.</param>
/// <param name="Help">The full text for <c>help NAME</c>.</param>
/// <param name="Run">The handler.</param>
/// <param name="Fallback">Whether a component (or program) of the same name wins over it (<c>echo</c>,
/// <c>pwd</c>): only core shell builtins shadow components.</param>
internal sealed record Builtin(string Name, string Usage, string Summary, string Help, BuiltinHandler Run, bool Fallback = false);

/// <summary>What a builtin sees: the shell, its stdio and its arguments.</summary>
internal sealed class BuiltinContext
{
    public BuiltinContext(ShellSession session, Executor executor, StageContext stage)
    {
        Session = session;
        Executor = executor;
        Stage = stage;
    }

    public ShellSession Session { get; }

    public Executor Executor { get; }

    public StageContext Stage { get; }

    public IReadOnlyList<string> Arguments => Stage.Arguments;

    public PipeReader Input => Stage.Input;

    public PipeWriter Output => Stage.Output;

    public CancellationToken CancellationToken => Stage.CancellationToken;

    public void Write(string text) => Stage.Output.WriteUtf8(text);

    public void WriteError(string text) => Stage.Error.WriteUtf8(text);

    /// <summary>Reports a usage error (<c>streams: NAME: message</c>) and returns status 2.</summary>
    public int Usage(string name, string message)
    {
        WriteError($"streams: {name}: {message}\n");
        return 2;
    }
}

/// <summary>The builtins by name: the extension point for builtin families.</summary>
/// <remarks>Each family lives in its own file (<c>Builtins/*.cs</c>) with a static <c>Register</c> method called
/// from <see cref="CreateDefault"/>; add a family by adding a file and one line there.</remarks>
internal sealed class BuiltinTable
{
    private readonly Dictionary<string, Builtin> _byName = new(StringComparer.Ordinal);

    public IEnumerable<Builtin> All => _byName.Values.OrderBy(b => b.Name, StringComparer.Ordinal);

    public static BuiltinTable CreateDefault()
    {
        var table = new BuiltinTable();
        CoreBuiltins.Register(table);
        VariableBuiltins.Register(table);
        HelpBuiltins.Register(table);
        JobBuiltins.Register(table);
        return table;
    }

    public BuiltinTable Add(Builtin builtin)
    {
        _byName.Add(builtin.Name, builtin);
        return this;
    }

    public bool TryGet(string name, out Builtin builtin) => _byName.TryGetValue(name, out builtin!);
}

/// <summary>Runs a builtin as a pipeline stage.</summary>
internal sealed class BuiltinStage : PipelineStage
{
    private readonly Builtin _builtin;
    private readonly ShellSession _session;
    private readonly Executor _executor;

    public BuiltinStage(Builtin builtin, ShellSession session, Executor executor)
    {
        _builtin = builtin;
        _session = session;
        _executor = executor;
    }

    public override string Name => _builtin.Name;

    public override async ValueTask<int> RunAsync(StageContext context)
    {
        int status = await _builtin.Run(new BuiltinContext(_session, _executor, context)).ConfigureAwait(false);

        // Only a write can meet a broken pipe: a builtin with nothing left to flush keeps its status however early
        // the next command stopped reading (`set -o pipefail; false | true` gives 1, as in bash).
        await context.Output.FlushPendingAsync(context.CancellationToken).ConfigureAwait(false);
        return status;
    }
}
