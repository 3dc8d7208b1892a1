using System.IO.Pipelines;

namespace Streams.Transports.Servers;

/// <summary>The pipe options of accepted connections.</summary>
/// <remarks>MEASURED.md: the default <see cref="PipeOptions"/> (4 KiB segments) move bulk data 7× slower than
/// 64 KiB segments, and small segments with a large pause threshold cause hundreds of GCs a second. So: 64 KiB
/// segments, a 1 MiB / 512 KiB pause / resume threshold per direction.</remarks>
internal static class ServerPipeOptions
{
    public static PipeOptions Default { get; } = new(
        pool: null,
        readerScheduler: PipeScheduler.ThreadPool,
        writerScheduler: PipeScheduler.ThreadPool,
        pauseWriterThreshold: 1024 * 1024,
        resumeWriterThreshold: 512 * 1024,
        minimumSegmentSize: 64 * 1024,
        useSynchronizationContext: false);
}
