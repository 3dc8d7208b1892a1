using System.Buffers;
using System.IO.Pipelines;
using Streams.Transports.Commands;

namespace Streams.Transports.Servers;

/// <summary>Joins a stream to a pipe of bytes, as the stream commands do: what comes up the stream is written to
/// a <see cref="PipeWriter"/>, what a <see cref="PipeReader"/> holds goes down.</summary>
/// <remarks>
/// <para>Between bytes and messages (DESIGN.md): in <em>line mode</em> — the module under the head carries
/// messages, such as <c>line</c> or <c>length</c> — one input line becomes one message (newline removed) and
/// each message comes out as one line; otherwise bytes go as they are (messages of at most 64 KiB going
/// down). This is the rule <c>ModuleCommand</c> applies to a module used as a command, applied to a whole
/// stream.</para>
/// <para>Errors: a stream that fails ends the copy quietly (the stream's <see cref="StreamHead.Error"/> says
/// why, naming the component); the pipe sides are then completed normally, so the pipeline on the other side
/// ends as at the end of its input.</para>
/// </remarks>
public static class StreamBridge
{
    private const int Chunk = 64 * 1024;

    private static readonly PipeOptions s_pipeOptions = new(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, minimumSegmentSize: Chunk, useSynchronizationContext: false);

    /// <summary>Copies what comes up <paramref name="stream"/> to <paramref name="output"/> until the stream ends
    /// (a hangup), fails, or the reader of <paramref name="output"/> stops; a newline follows each message when
    /// <paramref name="lines"/>. Does not complete <paramref name="output"/>.</summary>
    /// <returns>True when the stream ended (rather than the reader stopping or the stream failing).</returns>
    public static async Task<bool> CopyUpAsync(StreamHead stream, PipeWriter output, bool lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(output);
        Message[] batch = new Message[64];
        try
        {
            while (true)
            {
                Message? m = await stream.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (m is null)
                {
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                }

                // Take what else is waiting before flushing, a batch at a time: one flush per burst, not per
                // message.
                long pending = Put(output, m, lines);
                int n;
                while (pending < Chunk && (n = stream.TryRead(batch)) > 0)
                {
                    for (int i = 0; i < n; i++)
                    {
                        pending += Put(output, batch[i], lines);
                        batch[i] = null!;
                    }
                }

                FlushResult flushed = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    return false;
                }
            }
        }
        catch (StreamException)
        {
            return false;
        }
    }

    // Writes one message's payload (and a newline in line mode) and releases it; returns the bytes written.
    private static int Put(PipeWriter output, Message m, bool lines)
    {
        int length = 0;
        if (m.Kind is MessageKind.Data or MessageKind.Proto)
        {
            output.Write(m.Span);
            length = m.Length;
            if (lines)
            {
                output.Write("\n"u8);
            }
        }

        m.Release();
        return length;
    }

    /// <summary>Copies <paramref name="input"/> down <paramref name="stream"/> to its end — one message per line
    /// (newline removed; a last line without one is sent too) when <paramref name="lines"/>, else chunks of at
    /// most 64 KiB — then completes the stream's writes (a half-close). Completes <paramref name="input"/>.</summary>
    /// <returns>True when everything was sent; false when the stream failed first.</returns>
    public static async Task<bool> CopyDownAsync(PipeReader input, StreamHead stream, bool lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(stream);
        MessagePool pool = stream.Pool;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (lines)
                {
                    while (buffer.PositionOf((byte)'\n') is { } end)
                    {
                        await stream.WriteAsync(pool.Data(buffer.Slice(0, end)), cancellationToken).ConfigureAwait(false);
                        buffer = buffer.Slice(buffer.GetPosition(1, end));
                    }

                    if (result.IsCompleted && !buffer.IsEmpty)
                    {
                        await stream.WriteAsync(pool.Data(buffer), cancellationToken).ConfigureAwait(false);
                        buffer = buffer.Slice(buffer.End);
                    }
                }
                else
                {
                    while (!buffer.IsEmpty)
                    {
                        ReadOnlySequence<byte> chunk = buffer.Slice(0, Math.Min(buffer.Length, Chunk));
                        await stream.WriteAsync(pool.Data(chunk), cancellationToken).ConfigureAwait(false);
                        buffer = buffer.Slice(chunk.End);
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            await stream.CompleteWritesAsync(cancellationToken).ConfigureAwait(false);
            await input.CompleteAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is StreamException || (ex is InvalidOperationException && (stream.Error is not null || stream.IsEnded())))
        {
            // The stream failed or was closed under us: stop the writer on the other side quietly.
            await input.CompleteAsync().ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>Runs <paramref name="commandLine"/> with <paramref name="runner"/>, with the stream as its stdin
    /// and stdout (socat's <c>fork</c> + <c>EXEC</c>, inetd): what comes up the stream is the pipeline's input,
    /// what the pipeline writes goes down, and the end of its output completes the stream's writes.</summary>
    /// <param name="stream">The connection's stream.</param>
    /// <param name="runner">Runs the pipeline (the shell supplies it).</param>
    /// <param name="commandLine">The pipeline, such as <c>grep x | sort</c>.</param>
    /// <param name="lines">Line mode (see the remarks of <see cref="StreamBridge"/>).</param>
    /// <param name="stderr">The pipeline's stderr; not completed here.</param>
    /// <param name="cancellationToken">Cancels the pipeline.</param>
    /// <returns>The pipeline's exit status.</returns>
    public static async Task<int> RunPipelineAsync(StreamHead stream, PipelineRunner runner, string commandLine, bool lines, PipeWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(stderr);
        var stdin = new Pipe(s_pipeOptions);
        var stdout = new Pipe(s_pipeOptions);
        using var stopUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task up = CopyUpThenCompleteAsync(stream, stdin.Writer, lines, stopUp.Token);
        Task<bool> down = CopyDownAsync(stdout.Reader, stream, lines, cancellationToken);
        int status;
        try
        {
            status = await runner(commandLine, stdin.Reader, stdout.Writer, stderr, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stdout.Writer.CompleteAsync().ConfigureAwait(false);
            await stdin.Reader.CompleteAsync().ConfigureAwait(false);
        }

        await down.ConfigureAwait(false);

        // The pipeline is over: what the peer still sends has no reader (as when a program exits before reading
        // all its input).
        await stopUp.CancelAsync().ConfigureAwait(false);
        await up.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return status;
    }

    private static async Task CopyUpThenCompleteAsync(StreamHead stream, PipeWriter output, bool lines, CancellationToken cancellationToken)
    {
        try
        {
            await CopyUpAsync(stream, output, lines, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static bool IsEnded(this StreamHead stream) => stream.EndReason != HangupKind.None;
}
