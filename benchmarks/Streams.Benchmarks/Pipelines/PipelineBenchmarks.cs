using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Streams.Benchmarks.Infrastructure;
using Streams.Pipelines;

namespace Streams.Benchmarks.Pipelines;

/// <summary>64 MiB through a pipeline of 3 or 8 byte-copy stages run concurrently by
/// <see cref="Pipeline.RunAsync"/>, against a hand-written loop that does the same copies, 64 KiB at a time, on
/// one thread. One operation is one run over the whole 64 MiB.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const int Chunk = 64 * 1024;
    private readonly NullPipeWriter _sink = new();
    private byte[] _data = [];
    private byte[][] _buffers = [];

    /// <summary>Stages in the pipeline.</summary>
    [Params(3, 8)]
    public int Stages { get; set; }

    /// <summary>Bytes moved per operation (64 MiB; 4 MiB in the smoke test).</summary>
    public int Bytes => SmokeRunner.IsSmoke ? 4 << 20 : 64 << 20;

    /// <summary>Makes the data.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Bytes];
        Random.Shared.NextBytes(_data);
        _buffers = [.. Enumerable.Range(0, Stages).Select(_ => new byte[Chunk])];
    }

    /// <summary>Each 64 KiB chunk copied through one buffer per stage, then written to the sink.</summary>
    [Benchmark(Baseline = true)]
    public long HandLoop()
    {
        _sink.Reset();
        ReadOnlySpan<byte> source = _data;
        for (int offset = 0; offset < source.Length; offset += Chunk)
        {
            ReadOnlySpan<byte> chunk = source.Slice(offset, Math.Min(Chunk, source.Length - offset));
            for (int s = 0; s < _buffers.Length; s++)
            {
                chunk.CopyTo(_buffers[s]);
                chunk = _buffers[s].AsSpan(0, chunk.Length);
            }

            _sink.Write(chunk);
        }

        return Check(_sink.Written);
    }

    /// <summary>The stages as coroutines joined by bounded pipes.</summary>
    [Benchmark]
    public async Task<long> Pipeline()
    {
        _sink.Reset();
        var stages = new StageStart[Stages];
        for (int i = 0; i < Stages; i++)
        {
            stages[i] = new StageStart(CopyStage.Instance)
            {
                Input = i == 0 ? PipeReader.Create(new ReadOnlySequence<byte>(_data)) : null,
                Output = i == Stages - 1 ? _sink : null,
            };
        }

        PipelineResult result = await global::Streams.Pipelines.Pipeline.RunAsync(stages, new NullPipeWriter());
        if (result.Stages.Any(s => s.ExitStatus != 0))
        {
            throw new InvalidOperationException("a stage failed");
        }

        return Check(_sink.Written);
    }

    private long Check(long written) => written == _data.Length ? written : throw new InvalidOperationException($"{written} bytes arrived of {_data.Length}");

    /// <summary>Copies its input to its output, at most 64 KiB a flush.</summary>
    private sealed class CopyStage : PipelineStage
    {
        public static readonly CopyStage Instance = new();

        public override string Name => "copy";

        public override async ValueTask<int> RunAsync(StageContext context)
        {
            PipeReader input = context.Input;
            PipeWriter output = context.Output;
            while (true)
            {
                ReadResult read = await input.ReadAsync(context.CancellationToken);
                ReadOnlySequence<byte> buffer = read.Buffer;
                if (buffer.IsEmpty && read.IsCompleted)
                {
                    input.AdvanceTo(buffer.End);
                    return 0;
                }

                ReadOnlySequence<byte> chunk = buffer.Slice(0, Math.Min(buffer.Length, Chunk));
                foreach (ReadOnlyMemory<byte> segment in chunk)
                {
                    output.Write(segment.Span);
                }

                input.AdvanceTo(chunk.End);
                await output.FlushOrStopAsync(context.CancellationToken);
            }
        }
    }
}
