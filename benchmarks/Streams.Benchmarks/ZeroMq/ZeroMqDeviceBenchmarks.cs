using BenchmarkDotNet.Attributes;

namespace Streams.Benchmarks.ZeroMq;

/// <summary>The devices moving 100-byte messages over loopback TCP: ours against NetMQ's Proxy (the baseline)
/// and libzmq's zmq_proxy, with libzmq producer and consumer processes (python3-zmq). One operation is one
/// message.</summary>
/// <remarks>Each invocation starts a device, moves <see cref="Messages"/> messages and stops it; the side-by-side
/// table with medians comes from <see cref="DeviceThroughput.Run"/>.</remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
public class ZeroMqDeviceBenchmarks
{
    private const int Count = 200_000;

    /// <summary>streamer (PULL → PUSH) or forwarder (XSUB → XPUB).</summary>
    [Params("streamer", "forwarder")]
    public string Device { get; set; } = "streamer";

    /// <summary>Messages per invocation.</summary>
    public static int Messages => Count;

    /// <summary>NetMQ's own Proxy.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public long NetMqProxy() => DeviceThroughput.RunOne(Device, "netmq-proxy", Count, 100).Delivered;

    /// <summary>ZeroMqDevice.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public long Streams() => DeviceThroughput.RunOne(Device, "streams", Count, 100).Delivered;

    /// <summary>libzmq's zmq_proxy in a python3 process.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public long Libzmq() => DeviceThroughput.RunOne(Device, "libzmq", Count, 100).Delivered;
}
