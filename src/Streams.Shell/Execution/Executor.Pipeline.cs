using System.IO.Pipelines;
using Streams.Components;
using Streams.Pipelines;
using Streams.Shell.Builtins;
using Streams.Shell.Syntax;
using Streams.Transports.Processes;

namespace Streams.Shell.Execution;

internal sealed partial class Executor
{
    private static readonly StreamPipeReaderOptions s_shellInputOptions = new(bufferSize: 65536, leaveOpen: true);

    /// <summary>Runs one pipeline; returns its status (pipefail and <c>!</c> applied).</summary>
    public async Task<int> RunPipelineAsync(PipelineNode pipeline, ShellSession session, bool background, CancellationToken cancellationToken)
    {
        if (pipeline.Commands.Count == 1 && pipeline.Commands[0].Words.Count == 0)
        {
            int alone = AssignmentsOnly(pipeline.Commands[0], session);
            return pipeline.Negated ? (alone == 0 ? 1 : 0) : alone;
        }

        int count = pipeline.Commands.Count;
        var pipes = new Pipe[count - 1];
        for (int i = 0; i < pipes.Length; i++)
        {
            pipes[i] = new Pipe(Streams.Pipelines.Pipeline.StageOptions);
        }

        PipeReader? shellInput = null;
        PipeReader ShellInput() => shellInput ??= PipeReader.Create(session.Stdio.Input, s_shellInputOptions);
        var starts = new List<StageStart>(count);
        for (int i = 0; i < count; i++)
        {
            starts.Add(PrepareStage(pipeline.Commands[i], i, pipes, count > 1, background, session, ShellInput));
        }

        PipeWriter pipelineError = ShellStdio.CreateWriter(session.Stdio.Error);
        PipelineResult result;
        try
        {
            result = await Streams.Pipelines.Pipeline.RunAsync(starts, pipelineError, session.WorkingDirectory, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipelineError.CompleteAsync().ConfigureAwait(false);
            if (shellInput is not null)
            {
                GiveBackUnread(shellInput, session.Stdio.Input);
                await shellInput.CompleteAsync().ConfigureAwait(false);
            }
        }

        int status = session.Pipefail ? result.PipefailStatus : result.ExitStatus;
        return pipeline.Negated ? (status == 0 ? 1 : 0) : status;
    }

    // What the pipeline's reader of the shell's stdin took from it but no stage used (head -n 1 reads a block)
    // goes back, for the script's next line or the next command.
    private static void GiveBackUnread(PipeReader reader, PushbackStream input)
    {
        try
        {
            if (reader.TryRead(out ReadResult rest))
            {
                input.Unread(rest.Buffer);
                reader.AdvanceTo(rest.Buffer.End);
            }
        }
        catch (InvalidOperationException)
        {
            // A stage completed the reader, or left a read pending: nothing can be given back.
        }
    }

    /// <summary>A command of assignments and redirections only: sets shell variables, opens (creates) and closes
    /// the files.</summary>
    private static int AssignmentsOnly(CommandNode command, ShellSession session)
    {
        foreach (AssignmentNode assignment in command.Assignments)
        {
            session.SetVariable(assignment.Name, Expander.ExpandSingle(assignment.Value, session));
        }

        var fds = new FdTable(background: true, null, null);
        string? error = fds.Apply(command.Redirections, session);
        fds.CloseFiles();
        if (error is not null)
        {
            session.Stdio.WriteError(error + "\n");
            return 1;
        }

        return 0;
    }

    /// <summary>The environment of a command: the exported variables and its own assignments, expanded from left
    /// to right so that each sees those before it (<c>X=1 Y=$X cmd</c> gives Y 1, as in sh); the shell's variables
    /// are as they were afterwards.</summary>
    private static Dictionary<string, string> CommandEnvironment(CommandNode command, ShellSession session)
    {
        Dictionary<string, string> environment = session.ExportedEnvironment();
        var before = new List<(string Name, string? Value)>();
        try
        {
            foreach (AssignmentNode assignment in command.Assignments)
            {
                string value = Expander.ExpandSingle(assignment.Value, session);
                environment[assignment.Name] = value;
                before.Add((assignment.Name, session.GetVariable(assignment.Name)));
                session.Variables[assignment.Name] = value;
            }
        }
        finally
        {
            for (int i = before.Count - 1; i >= 0; i--)
            {
                (string name, string? value) = before[i];
                if (value is null)
                {
                    session.Variables.Remove(name);
                }
                else
                {
                    session.Variables[name] = value;
                }
            }
        }

        return environment;
    }

    private StageStart PrepareStage(CommandNode command, int index, Pipe[] pipes, bool subshell, bool background, ShellSession session, Func<PipeReader> shellInput)
    {
        int count = pipes.Length + 1;
        List<string> words = Expander.ExpandWords(command.Words, session);
        Dictionary<string, string> environment = CommandEnvironment(command, session);

        var fds = new FdTable(background, index > 0 ? pipes[index - 1].Reader : null, index < count - 1 ? pipes[index].Writer : null);
        string? redirectionError = fds.Apply(command.Redirections, session);
        PipelineStage stage;
        IReadOnlyList<string> arguments = words.Count > 1 ? words.GetRange(1, words.Count - 1) : [];
        if (redirectionError is not null)
        {
            stage = new ErrorStage(words.Count > 0 ? words[0] : "streams", redirectionError, 1);
        }
        else if (words.Count == 0)
        {
            stage = new NoOpStage();
        }
        else
        {
            stage = Resolve(words[0], arguments, subshell ? session.CreateSubshell() : session, environment, fds);
        }

        (PipeReader input, PipeWriter output, PipeWriter error, List<PipeWriter> writers, List<PipeReader> readers) = fds.Materialize(session.Stdio, shellInput);
        return new StageStart(new ShellStage(stage, writers, readers, session.Stdio.Output), arguments)
        {
            Input = input,
            InputLength = fds.InputLength(session.Stdio),
            InputDescriptor = session.Stdio.RealDescriptors && fds.Input.Kind == FdKind.ShellInput && !session.Stdio.InputIsTerminal && !session.Stdio.Input.HasPending ? 0 : null,
            OutputDescriptor = session.Stdio.RealDescriptors && fds.Output.Kind == FdKind.ShellOutput ? 1 : null,
            InputPath = fds.Input.Kind == FdKind.File ? fds.Input.Path : null,
            OutputPath = fds.Output.Kind == FdKind.File ? fds.Output.Path : null,
            Output = output,

            // A command that writes the pipe to the next stage stops when that stage ends, as SIGPIPE stops it in
            // sh; a program learns it from its own pipe.
            StopsWithNext = stage is not ProcessStage && (fds.Output.Kind == FdKind.Pipe || fds.Error.Kind == FdKind.Pipe),
            Error = error,
            Environment = environment,
        };
    }

    /// <summary>Finds what runs a command: a core builtin, a component, a fallback builtin, or a program.</summary>
    private PipelineStage Resolve(string name, IReadOnlyList<string> arguments, ShellSession session, Dictionary<string, string> environment, FdTable fds)
    {
        bool haveBuiltin = session.Builtins.TryGet(name, out Builtin builtin);
        if (haveBuiltin && !builtin.Fallback)
        {
            return new BuiltinStage(builtin, session, this);
        }

        if (name.Length > 0 && !name.Contains('/') && session.Registry.Contains(name))
        {
            Interrupts?.EnsureFor(name);
            try
            {
                return session.Registry.CreateCommand(name, arguments);
            }
            catch (ComponentArgumentException ex)
            {
                return new ErrorStage(name, ex.Message, 2);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or IOException)
            {
                return new ErrorStage(name, $"{name}: {ex.Message}", 1);
            }
        }

        if (haveBuiltin)
        {
            return new BuiltinStage(builtin, session, this);
        }

        environment.TryGetValue("PATH", out string? path);
        string? file = ChildProcess.FindExecutable(name, path, session.WorkingDirectory, out bool notExecutable);
        if (file is null)
        {
            if (notExecutable)
            {
                string full = session.ResolvePath(name);
                string reason = name.Contains('/') && Directory.Exists(full) ? "Is a directory" : "Permission denied";
                return new ErrorStage(name, $"streams: {name}: {reason}", 126);
            }

            return new ErrorStage(name, name.Contains('/') ? $"streams: {name}: No such file or directory" : $"streams: {name}: command not found", 127);
        }

        Interrupts?.Ensure();
        bool real = session.Stdio.RealDescriptors;
        return new ProcessStage(file, name)
        {
            InheritInput = real && fds.Input.Kind == FdKind.ShellInput && !session.Stdio.Input.HasPending,
            InheritOutput = real && fds.Output.Kind == FdKind.ShellOutput,
            InheritError = real && fds.Error.Kind == FdKind.ShellError,
        };
    }

    /// <summary>Runs a program found on PATH with a builtin's stdio (such as <c>kill PID</c>).</summary>
    public async Task<int> RunExternalAsync(string name, IReadOnlyList<string> arguments, BuiltinContext context)
    {
        context.Stage.Environment.TryGetValue("PATH", out string? path);
        string? file = ChildProcess.FindExecutable(name, path ?? context.Session.GetVariable("PATH"), context.Session.WorkingDirectory, out _);
        if (file is null)
        {
            context.WriteError($"streams: {name}: command not found\n");
            return 127;
        }

        Interrupts?.Ensure();
        var stage = new ProcessStage(file, name);
        // An empty stdin: a copy of the shell's stdin into a program that never reads it could be left blocked in
        // a read that takes input meant for later commands.
        var stageContext = new StageContext(FdTable.EmptyReader(), context.Output, context.Stage.Error, arguments, context.Stage.Environment, context.Stage.WorkingDirectory, context.CancellationToken);
        try
        {
            return await stage.RunAsync(stageContext).ConfigureAwait(false);
        }
        catch (BrokenPipeException)
        {
            return 0;
        }
    }

    /// <summary>A command with only assignments or redirections inside a pipeline: status 0.</summary>
    private sealed class NoOpStage : PipelineStage
    {
        public override string Name => "streams";

        public override ValueTask<int> RunAsync(StageContext context) => ValueTask.FromResult(0);
    }
}
