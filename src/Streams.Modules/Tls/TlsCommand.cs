using Streams.Pipelines;

namespace Streams.Modules.Tls;

/// <summary><c>tls</c> in a pipeline: refused with a clear message, because a TLS handshake needs both directions
/// of a connection and a pipeline stage has only one.</summary>
internal sealed class TlsCommand : PipelineStage
{
    public override string Name => "tls";

    public override ValueTask<int> RunAsync(StageContext context) =>
        ValueTask.FromException<int>(new StageFailedException("tls: works only on a stream, such as 'connect tcp:HOST:443 -m tls', since a TLS handshake needs both directions", 2));
}
