using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace Streams.Benchmarks.Core;

/// <summary>The fixed cost of a message without a stream: <see cref="MessagePool.Data(ReadOnlySpan{byte})"/>
/// then <see cref="Message.Release"/>, against renting, filling and returning an <see cref="ArrayPool{T}"/>
/// buffer of the same size. One operation is one message; the floor under <see cref="StackDepthBenchmarks"/>.</summary>
[MemoryDiagnoser]
public class MessagePoolBenchmarks
{
    private const int Batch = 1024;
    private readonly MessagePool _pool = new();
    private byte[] _payload = [];

    /// <summary>Bytes per message.</summary>
    [Params(64, 64 * 1024)]
    public int Size { get; set; }

    /// <summary>Makes the payload.</summary>
    [GlobalSetup]
    public void Setup() => _payload = new byte[Size];

    /// <summary>ArrayPool rent, copy, return.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int ArrayPoolRentReturn()
    {
        int total = 0;
        for (int i = 0; i < Batch; i++)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(MessagePool.HeadRoom + _payload.Length + MessagePool.TailRoom);
            _payload.CopyTo(buffer.AsSpan(MessagePool.HeadRoom));
            total += buffer.Length;
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return total;
    }

    /// <summary>A pooled message holding a copy of the payload, released at once.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int DataAndRelease()
    {
        int total = 0;
        for (int i = 0; i < Batch; i++)
        {
            Message message = _pool.Data(_payload);
            total += message.Length;
            message.Release();
        }

        return total;
    }
}
