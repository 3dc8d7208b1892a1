using System.Buffers;
using System.ComponentModel;
using System.IO.Pipelines;
using Streams.Pipelines;

namespace Streams.Transports.Processes;

/// <summary>A pipeline stage that runs an external program, joined to its neighbours by pipes.</summary>
/// <remarks>
/// <para>The stage copies its <see cref="StageContext.Input"/> into the child's stdin and the child's stdout into
/// its <see cref="StageContext.Output"/> concurrently, in chunks of up to 64 KiB; the child's stdin is closed at
/// the end of the input. Its stderr is copied to <see cref="StageContext.Error"/>.</para>
/// <para>When the next stage stops reading, the stage closes the child's stdout so that the child dies of
/// SIGPIPE (it is started with SIGPIPE at its default action, see
/// <see cref="ChildProcessOptions.RestoreSigpipe"/>), kills it if it has not ended after
/// <see cref="KillDelay"/>, and ends with a <see cref="BrokenPipeException"/> (a success).</para>
/// <para>Cancellation (Ctrl-C) kills the child. The exit status is the child's: 128 + N when signal N ended
/// it.</para>
/// <para>With <see cref="InheritInput"/>, <see cref="InheritOutput"/> or <see cref="InheritError"/> the child
/// uses the process's own descriptor instead of a pipe: set them only when the stage's pipe is the process's
/// own stdin, stdout or stderr.</para>
/// </remarks>
public sealed class ProcessStage : PipelineStage
{
    private const int ChunkSize = 64 * 1024;
    private readonly string _fileName;
    private readonly string _name;
    private readonly string? _typed;

    /// <summary>Creates a stage that runs <paramref name="fileName"/>; its arguments are the stage's
    /// <see cref="StageContext.Arguments"/>.</summary>
    /// <param name="fileName">The program's path (or a name looked up on PATH).</param>
    /// <param name="name">The command name as typed, which <paramref name="fileName"/> was found for: shown in
    /// messages and, for a bare name, the program's <c>argv[0]</c> (<see cref="ChildProcessOptions.ArgumentZero"/>).
    /// Defaults to the file name, for messages only.</param>
    public ProcessStage(string fileName, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        _fileName = fileName;
        _typed = name;
        _name = name ?? Path.GetFileName(fileName);
    }

    /// <inheritdoc />
    public override string Name => _name;

    /// <summary>Let the child inherit the process's stdin (fd 0) instead of copying <see cref="StageContext.Input"/>.</summary>
    public bool InheritInput { get; init; }

    /// <summary>Let the child inherit the process's stdout (fd 1) instead of copying into <see cref="StageContext.Output"/>.</summary>
    public bool InheritOutput { get; init; }

    /// <summary>Let the child inherit the process's stderr (fd 2) instead of copying into <see cref="StageContext.Error"/>.</summary>
    public bool InheritError { get; init; }

    /// <summary>How long a child may keep running after its stdout was closed before it is killed. Default 1 s.</summary>
    public TimeSpan KillDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        CancellationToken cancellation = context.CancellationToken;
        cancellation.ThrowIfCancellationRequested();
        ChildProcess child;
        try
        {
            child = ChildProcess.Start(_fileName, context.Arguments, new ChildProcessOptions
            {
                Environment = context.Environment,
                WorkingDirectory = context.WorkingDirectory,
                RedirectInput = !InheritInput,
                RedirectOutput = !InheritOutput,
                RedirectError = !InheritError,
                ArgumentZero = _typed,
            });
        }
        catch (Win32Exception ex)
        {
            throw new StageFailedException($"{_name}: {ex.Message}", 126);
        }

        using (child)
        {
            using var inputStop = new CancellationTokenSource();
            using CancellationTokenRegistration killOnCancel = cancellation.Register(static state => ((ChildProcess)state!).Kill(), child);
            Task input = child.Input is { } stdin ? CopyInputAsync(context.Input, stdin, inputStop.Token) : Task.CompletedTask;
            Task error = child.Error is { } stderr ? CopyErrorAsync(stderr, context.Error) : Task.CompletedTask;
            bool stoppedByReader = false;
            if (child.Output is { } stdout)
            {
                stoppedByReader = await CopyOutputAsync(stdout, context.Output, cancellation).ConfigureAwait(false);
                if (stoppedByReader)
                {
                    // The reader has gone: close our end so that the child's next write raises SIGPIPE.
                    ChildProcess.DisposeQuietly(stdout);
                    using var grace = new CancellationTokenSource(KillDelay);
                    try
                    {
                        await child.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        child.Kill();
                    }
                }
            }

            int status = await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);

            // The child has ended: stop feeding it, and let the copy leave the input reader before the pipeline
            // completes it. A copy blocked on a read that ignores cancellation (a plain descriptor) is left to end
            // on its own rather than hang the stage.
            await inputStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await input.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
            await error.ConfigureAwait(false);
            if (cancellation.IsCancellationRequested)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            if (stoppedByReader)
            {
                throw new BrokenPipeException();
            }

            return status;
        }
    }

    private static async Task CopyInputAsync(PipeReader source, Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ReadResult result = await source.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    foreach (ReadOnlyMemory<byte> segment in buffer)
                    {
                        for (int offset = 0; offset < segment.Length; offset += ChunkSize)
                        {
                            await stdin.WriteAsync(segment.Slice(offset, Math.Min(ChunkSize, segment.Length - offset)), cancellationToken).ConfigureAwait(false);
                        }
                    }

                    await stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    source.AdvanceTo(buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The child closed its stdin (or ended), or the input was closed under us: the rest of the input is
            // not wanted, as in sh.
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            ChildProcess.DisposeQuietly(stdin);
        }
    }

    /// <summary>Copies the child's stdout; returns true when the reader of the stage's output has gone.</summary>
    private static async Task<bool> CopyOutputAsync(Stream stdout, PipeWriter output, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                Memory<byte> memory = output.GetMemory(ChunkSize);
                int read = await stdout.ReadAsync(memory, CancellationToken.None).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                await output.FlushOrStopAsync(cancellationToken).ConfigureAwait(false);
            }

            return false;
        }
        catch (BrokenPipeException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The output failed (EPIPE on a file or descriptor, or a writer completed under us): nobody reads what
            // the child writes any more, which is the broken-pipe case too.
            return true;
        }
    }

    private static async Task CopyErrorAsync(Stream stderr, PipeWriter error)
    {
        try
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                int read;
                while ((read = await stderr.ReadAsync(buffer.AsMemory(0, ChunkSize)).ConfigureAwait(false)) > 0)
                {
                    await error.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            // Nowhere left to report the child's errors: drop them rather than block the child.
        }
    }
}
