using System.IO.Pipelines;
using Streams.Pipelines;

namespace Streams.Shell.Execution;

/// <summary>Wraps a command's stage with the pipes and files the shell opened for it, and closes them when the
/// stage ends: the next stage then sees the end of its input and the previous one a broken pipe, as in sh.</summary>
/// <remarks>The shell wires every stage itself (so that <c>2&gt;&amp;1</c> can reach the pipe to the next stage),
/// hence it also owns the closing. A failure is reported here, with the stage's name, and ends only this
/// stage: its neighbours see the end of their pipes, as with a process that exits in sh.</remarks>
internal sealed class ShellStage : PipelineStage
{
    private readonly PipelineStage _inner;
    private readonly List<PipeWriter> _writers;
    private readonly List<PipeReader> _readers;
    private readonly LockedStream _stdout;

    public ShellStage(PipelineStage inner, List<PipeWriter> writers, List<PipeReader> readers, LockedStream stdout)
    {
        _inner = inner;
        _writers = writers;
        _readers = readers;
        _stdout = stdout;
    }

    public override string Name => _inner.Name;

    public PipelineStage Inner => _inner;

    /// <inheritdoc />
    public override bool OutlivesItsReader => _inner.OutlivesItsReader;

    public override async ValueTask<int> RunAsync(StageContext context)
    {
        int status;
        bool broken = false;
        bool reported = false;
        try
        {
            status = await _inner.RunAsync(context).ConfigureAwait(false);
        }
        catch (BrokenPipeException)
        {
            status = 0;
            broken = true;
            if (context.OutputDescriptor is not null)
            {
                // The stage wrote the shell's stdout itself (cat's kernel copy): the shell's stdout is broken.
                _stdout.MarkBroken();
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            status = ex is StageFailedException failed ? failed.ExitStatus : _inner.FailureStatus;
            await ReportAsync(context, ex is StageFailedException or Components.ComponentArgumentException ? ex.Message : $"{_inner.Name}: {ex.Message}").ConfigureAwait(false);
            reported = true;
        }

        (bool closedBroken, IOException? writeError) = await CloseAsync().ConfigureAwait(false);
        if (broken || closedBroken)
        {
            throw new BrokenPipeException();
        }

        if (writeError is not null && !reported && status == 0)
        {
            // What was left to write when the stage ended could not be written (a closed stdout, a full disk). A
            // stage that failed has said why already.
            await ReportAsync(context, $"{_inner.Name}: {writeError.Message}").ConfigureAwait(false);
            status = _inner.FailureStatus;
        }

        return status;
    }

    private static async ValueTask ReportAsync(StageContext context, string message)
    {
        try
        {
            context.Error.WriteUtf8(message + "\n");
            await context.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
        }
    }

    /// <summary>Flushes and completes what this stage owns; whether its stdout turned out to be broken, and the
    /// first write error (<see cref="LockedStream.IsWriteError(IOException)"/>) met.</summary>
    private async ValueTask<(bool Broken, IOException? WriteError)> CloseAsync()
    {
        bool broken = false;
        IOException? writeError = null;
        foreach (PipeWriter writer in _writers)
        {
            try
            {
                await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                await writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (BrokenPipeException)
            {
                broken = _stdout.IsBroken;
                await CompleteQuietlyAsync(writer).ConfigureAwait(false);
            }
            catch (IOException ex) when (LockedStream.IsWriteError(ex))
            {
                writeError ??= ex;
                await CompleteQuietlyAsync(writer).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                await CompleteQuietlyAsync(writer).ConfigureAwait(false);
            }
        }

        foreach (PipeReader reader in _readers)
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }

        return (broken, writeError);
    }

    private static async ValueTask CompleteQuietlyAsync(PipeWriter writer)
    {
        try
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
        }
    }
}

/// <summary>A stage that only reports an error the shell found before running the command (command not found,
/// a redirection that could not be opened) and ends with a status.</summary>
internal sealed class ErrorStage : PipelineStage
{
    private readonly string _name;
    private readonly string _message;
    private readonly int _status;

    public ErrorStage(string name, string message, int status)
    {
        _name = name;
        _message = message;
        _status = status;
    }

    public override string Name => _name;

    public override async ValueTask<int> RunAsync(StageContext context)
    {
        context.Error.WriteUtf8(_message + "\n");
        try
        {
            await context.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }

        return _status;
    }
}
