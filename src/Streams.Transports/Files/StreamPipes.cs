using System.IO.Pipelines;

namespace Streams.Transports.Files;

/// <summary>A duplex pipe over a pair of <see cref="System.IO.Stream"/>s (a descriptor, a file, a FIFO, a
/// child's stdin and stdout), and the driver over it.</summary>
internal static class StreamPipes
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 64 * 1024, leaveOpen: true);

    /// <summary>Creates the driver: <paramref name="input"/> is read, <paramref name="output"/> written (either
    /// null when absent, both possibly the same stream). A downward hangup closes <paramref name="output"/> when
    /// it is a stream of its own (the reader sees the end of file); both are disposed when the stream stops,
    /// before <paramref name="options"/>' own <see cref="DuplexPipeDriverOptions.Stopped"/>.</summary>
    public static DuplexPipeDriver CreateDriver(System.IO.Stream? input, System.IO.Stream? output, string name, DuplexPipeDriverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (input is null && output is null)
        {
            throw new ArgumentException("A driver needs an input or an output stream.", nameof(input));
        }

        options ??= DuplexPipeDriverOptions.Default;
        var pipe = new Duplex(
            PipeReader.Create(input ?? System.IO.Stream.Null, ReaderOptions),
            PipeWriter.Create(output ?? System.IO.Stream.Null, WriterOptions));
        bool separate = output is not null && !ReferenceEquals(input, output);
        Func<ValueTask>? writesCompleted = options.WritesCompleted;
        Func<bool, ValueTask>? stopped = options.Stopped;
        return new DuplexPipeDriver(name, pipe, options with
        {
            NoInput = options.NoInput || input is null,
            NoOutput = options.NoOutput || output is null,
            WritesCompleted = async () =>
            {
                if (separate)
                {
                    await DisposeQuietlyAsync(output).ConfigureAwait(false);
                }

                if (writesCompleted is not null)
                {
                    await writesCompleted().ConfigureAwait(false);
                }
            },
            Stopped = async abort =>
            {
                // Our ends first: a child still writing to its stdout then dies of SIGPIPE instead of blocking.
                await DisposeQuietlyAsync(output).ConfigureAwait(false);
                await DisposeQuietlyAsync(input).ConfigureAwait(false);
                if (stopped is not null)
                {
                    await stopped(abort).ConfigureAwait(false);
                }
            },
        });
    }

    public static async ValueTask DisposeQuietlyAsync(System.IO.Stream? stream)
    {
        if (stream is null)
        {
            return;
        }

        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            // Closing a pipe whose reader has gone may flush into EPIPE; the stream is over either way.
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
