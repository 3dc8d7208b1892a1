using System.IO.Pipelines;
using Streams.Internal;

namespace Streams;

public sealed partial class StreamHead
{
    /// <summary>The byte face as a <see cref="System.IO.Stream"/>: reads follow <see cref="ReadMode"/>, each write
    /// becomes one message, disposing completes the write side (a half-close) and, unless
    /// <paramref name="leaveOpen"/>, closes the stream.</summary>
    public System.IO.Stream AsStream(bool leaveOpen = false) => new HeadStream(this, leaveOpen ? HeadStream.DisposeAction.None : HeadStream.DisposeAction.Close);

    /// <summary>The byte face as an <see cref="IDuplexPipe"/>: <see cref="IDuplexPipe.Input"/> reads what comes
    /// up, <see cref="IDuplexPipe.Output"/> writes down (one message per flush); completing the output
    /// completes the write side (a half-close).</summary>
    public IDuplexPipe AsDuplexPipe()
    {
        var input = PipeReader.Create(new HeadStream(this, HeadStream.DisposeAction.None), new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        var output = PipeWriter.Create(new HeadStream(this, HeadStream.DisposeAction.CompleteWrites), new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024));
        return new HeadDuplexPipe(input, output);
    }

    private sealed class HeadDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
