using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Streams.Pipelines;

/// <summary>Helpers that stages use to write their output in large batches and to stop quietly when the
/// reader has gone.</summary>
public static class StageIO
{
    /// <summary>The size at which <see cref="WriteAsync(PipeWriter, ReadOnlyMemory{byte}, CancellationToken)"/>
    /// and <see cref="MaybeFlushAsync"/> flush: batches of this size keep thread hand-offs rare.</summary>
    public const int BatchSize = 64 * 1024;

    /// <summary>Flushes <paramref name="writer"/> (as <see cref="FlushOrStopAsync"/>) unless it is known to hold
    /// nothing unflushed: a stage with nothing left to write never meets a broken pipe, as in sh.</summary>
    public static ValueTask FlushPendingAsync(this PipeWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.CanGetUnflushedBytes && writer.UnflushedBytes == 0 ? default : writer.FlushOrStopAsync(cancellationToken);
    }

    /// <summary>Flushes <paramref name="writer"/>; throws <see cref="BrokenPipeException"/> when the reader has
    /// completed (the next stage stopped reading).</summary>
    public static ValueTask FlushOrStopAsync(this PipeWriter writer, CancellationToken cancellationToken = default)
    {
        ValueTask<FlushResult> flush = writer.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            FlushResult result = flush.Result;
            if (result.IsCompleted)
            {
                throw new BrokenPipeException();
            }

            if (result.IsCanceled)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            return default;
        }

        return Core(flush, cancellationToken);

        static async ValueTask Core(ValueTask<FlushResult> pending, CancellationToken token)
        {
            FlushResult result = await pending.ConfigureAwait(false);
            if (result.IsCompleted)
            {
                throw new BrokenPipeException();
            }

            if (result.IsCanceled)
            {
                token.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Flushes when at least <see cref="BatchSize"/> bytes are waiting; otherwise does nothing.</summary>
    /// <remarks>A <see cref="Pipe"/> whose reader has completed drops what is written and counts nothing as
    /// unflushed, so nothing waiting also flushes: that flush reports the gone reader, and an endless producer
    /// (<c>yes</c>) stops instead of writing into the void for ever.
    /// <para>A stage whose token was cancelled flushes too, without the token, so that a reader that is gone is
    /// reported as a <see cref="BrokenPipeException"/> rather than as a cancellation.</para></remarks>
    public static ValueTask MaybeFlushAsync(this PipeWriter writer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Stop(writer, cancellationToken);
        }

        return writer.CanGetUnflushedBytes && writer.UnflushedBytes is > 0 and < BatchSize ? default : writer.FlushOrStopAsync(cancellationToken);

        static async ValueTask Stop(PipeWriter writer, CancellationToken token)
        {
            await writer.FlushOrStopAsync(CancellationToken.None).ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Copies <paramref name="data"/> into the writer and flushes once a batch is full.</summary>
    public static ValueTask WriteAsync(this PipeWriter writer, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        writer.Write(data.Span);
        return writer.MaybeFlushAsync(cancellationToken);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (Latin-1 bytes pass through unchanged when produced
    /// from <see cref="Latin1"/> strings; see remarks).</summary>
    /// <remarks>Text commands work on bytes; use <see cref="Latin1"/> to turn bytes into a string and back
    /// without loss when a string is needed.</remarks>
    public static void WriteUtf8(this PipeWriter writer, string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> span = writer.GetSpan(max);
        int written = Encoding.UTF8.GetBytes(text, span);
        writer.Advance(written);
    }

    /// <summary>Writes one line of text to standard error, such as <c>grep: foo: No such file or directory</c>,
    /// and flushes it.</summary>
    public static async ValueTask WriteErrorLineAsync(this StageContext context, string line)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Error.WriteUtf8(line + "\n");
        try
        {
            await context.Error.FlushAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The encoding that maps each byte to the char of the same value and back, so that arbitrary
    /// bytes (invalid UTF-8 included) survive a round trip through a string.</summary>
    public static Encoding Latin1 => Encoding.Latin1;

    /// <summary>Reads everything from <paramref name="reader"/> into one array (for commands such as sort and
    /// tac that need all input).</summary>
    public static async ValueTask<byte[]> ReadAllBytesAsync(this PipeReader reader, CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>(BatchSize);
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                buffer.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }

        return buffer.WrittenSpan.ToArray();
    }
}
