using System.IO.Pipelines;
using Streams.Pipelines;

namespace Streams.Modules.Text.Internal;

/// <summary>Reads that flush the command's output first when they would wait, so that a streaming command shows
/// its output as soon as its input pauses (a terminal, <c>cat | grep x</c>), while bulk input, which is always
/// ready, still goes out in full batches.</summary>
internal static class IdleFlush
{
    /// <summary>Reads from <paramref name="reader"/>; when nothing is ready without waiting, flushes
    /// <paramref name="output"/> (if it holds anything) before waiting.</summary>
    /// <exception cref="BrokenPipeException">The flush found that the next stage has stopped reading.</exception>
    public static ValueTask<ReadResult> ReadAsync(PipeReader reader, PipeWriter output, CancellationToken cancellationToken = default)
    {
        if (reader.TryRead(out ReadResult ready))
        {
            return new ValueTask<ReadResult>(ready);
        }

        return Core(reader, output, cancellationToken);

        static async ValueTask<ReadResult> Core(PipeReader reader, PipeWriter output, CancellationToken token)
        {
            await output.FlushPendingAsync(token).ConfigureAwait(false);
            return await reader.ReadAsync(token).ConfigureAwait(false);
        }
    }
}
