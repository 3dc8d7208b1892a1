using System.Buffers;
using System.IO.Pipelines;
using Streams.Shell.Syntax;

namespace Streams.Shell.Execution;

/// <summary>Runs a connection's pipeline (<c>listen … -- PIPELINE</c>) in a child shell of the shell that
/// started the server, with the connection as its stdin and stdout.</summary>
/// <remarks>The child is a subshell: variable assignments and <c>cd</c> stay in it. It is not a foreground job:
/// Ctrl-C stops the server (the foreground command), which then stops its connections; each pipeline is
/// cancelled through the token it was given.</remarks>
internal sealed class SubshellRunner
{
    private readonly Executor _executor;

    public SubshellRunner(Executor executor)
    {
        _executor = executor;
    }

    /// <summary>A <see cref="Transports.Commands.PipelineRunner"/>.</summary>
    public async Task<int> RunAsync(string commandLine, PipeReader stdin, PipeWriter stdout, PipeWriter stderr, CancellationToken cancellationToken)
    {
        ScriptNode script;
        try
        {
            script = Parser.Parse(commandLine);
        }
        catch (SyntaxException ex)
        {
            await WriteAsync(stderr, ex.Format()).ConfigureAwait(false);
            return 2;
        }

        await using Stream input = stdin.AsStream(leaveOpen: true);
        await using Stream output = stdout.AsStream(leaveOpen: true);
        await using Stream error = stderr.AsStream(leaveOpen: true);
        var stdio = new ShellStdio(input, output, error, realDescriptors: false, inputIsTerminal: false);
        ShellSession session = _executor.Root.CreateSubshell(stdio);
        int status = 0;
        foreach (AndOrNode list in script.Lists)
        {
            if (session.ExitRequested is not null || cancellationToken.IsCancellationRequested || stdio.Output.IsBroken)
            {
                break;
            }

            // Not through RunScriptAsync: connections run concurrently, and must not take the executor's one
            // foreground slot (Ctrl-C would then miss the server itself).
            status = await _executor.RunAndOrAsync(list, session, background: false, cancellationToken).ConfigureAwait(false);
        }

        return session.ExitRequested ?? status;
    }

    private static async Task WriteAsync(PipeWriter writer, string text)
    {
        writer.Write(System.Text.Encoding.UTF8.GetBytes(text));
        await writer.FlushAsync().ConfigureAwait(false);
    }
}
