using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Pipelines.Sockets.Unofficial;
using Streams.Benchmarks.Infrastructure;
using Streams.Modules.Framing;
using Streams.Transports;

namespace Streams.Benchmarks.Transports;

/// <summary>Loopback TCP from the client's side: bulk bytes (64 MiB into a sink that acknowledges the last byte)
/// and a pipelined echo of 100-byte length-prefixed frames, through a raw Pipelines.Sockets.Unofficial
/// <see cref="SocketConnection"/> (the baseline) and a raw <see cref="NetworkStream"/>. The server is the same
/// plain-socket <see cref="LoopbackServer"/> for every client.</summary>
/// <remarks>Bulk: one operation is the whole 64 MiB. Echo: one operation is one frame, written one message at a
/// time (a write or a pipe flush per frame, as a message-at-a-time caller would) while a reader takes the echoes
/// back. Ours: a <see cref="StreamHead"/> over the <c>tcp:</c> driver of src/Streams.Transports (opened with
/// <see cref="Transport.OpenAsync(string, StreamOptions?, CancellationToken)"/>), written one message per 64 KiB
/// chunk (bulk) or one 96-byte message per frame under a <see cref="LengthModule"/> that adds the 4-byte prefix
/// (echo), read back one message per frame; every message comes from and returns to the stream's pool.</remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TcpBenchmarks
{
    /// <summary>Frames per echo invocation.</summary>
    public const int Frames = 20_000;

    private const int FrameSize = 100;
    private const int Chunk = 64 * 1024;
    private readonly byte[] _chunk = new byte[Chunk];
    private readonly byte[] _frame = new byte[FrameSize];
    private LoopbackServer _server = null!;
    private SocketConnection _bulkConnection = null!;
    private SocketConnection _echoConnection = null!;
    private NetworkStream _bulkStream = null!;
    private NetworkStream _echoStream = null!;
    private StreamHead _bulkHead = null!;
    private StreamHead _echoHead = null!;
    private StreamHead _echoBytesHead = null!;
    private StreamHead _echoBurstHead = null!;

    /// <summary>Bytes per bulk operation (64 MiB; 4 MiB in the smoke test).</summary>
    public static long BulkBytes => SmokeRunner.IsSmoke ? 4 << 20 : 64 << 20;

    /// <summary>Starts the server and connects the clients.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        Random.Shared.NextBytes(_chunk);
        BinaryPrimitives.WriteInt32BigEndian(_frame, FrameSize - 4);
        _server = new LoopbackServer(BulkBytes);
        _bulkConnection = await ConnectPipeAsync((byte)'S');
        _echoConnection = await ConnectPipeAsync((byte)'E');
        _bulkStream = await ConnectStreamAsync((byte)'S');
        _echoStream = await ConnectStreamAsync((byte)'E');
        _bulkHead = await ConnectHeadAsync((byte)'S');
        _echoHead = await ConnectHeadAsync((byte)'E');
        await _echoHead.PushAsync(new LengthModule());
        _echoBytesHead = await ConnectHeadAsync((byte)'E');
        _echoBurstHead = await ConnectHeadAsync((byte)'E');
        await _echoBurstHead.PushAsync(new LengthModule());
    }

    /// <summary>Closes everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _bulkConnection.Dispose();
        _echoConnection.Dispose();
        await _bulkStream.DisposeAsync();
        await _echoStream.DisposeAsync();
        await _bulkHead.DisposeAsync();
        await _echoHead.DisposeAsync();
        await _echoBytesHead.DisposeAsync();
        await _echoBurstHead.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>64 MiB written to a <see cref="SocketConnection"/>'s output pipe in 64 KiB writes.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Bulk")]
    public async Task<long> BulkSocketConnection()
    {
        PipeWriter output = _bulkConnection.Output;
        for (long sent = 0; sent < BulkBytes; sent += Chunk)
        {
            output.Write(_chunk);
            await output.FlushAsync();
        }

        return await ReadAckAsync(_bulkConnection.Input);
    }

    /// <summary>64 MiB written to a <see cref="NetworkStream"/> in 64 KiB writes.</summary>
    [Benchmark]
    [BenchmarkCategory("Bulk")]
    public async Task<long> BulkNetworkStream()
    {
        for (long sent = 0; sent < BulkBytes; sent += Chunk)
        {
            await _bulkStream.WriteAsync(_chunk);
        }

        byte[] ack = new byte[1];
        await _bulkStream.ReadExactlyAsync(ack);
        return BulkBytes;
    }

    /// <summary>64 MiB written at the head of a stream over the <c>tcp:</c> driver, one 64 KiB message at a time.</summary>
    [Benchmark]
    [BenchmarkCategory("Bulk")]
    public async Task<long> BulkStreamsDriver()
    {
        for (long sent = 0; sent < BulkBytes; sent += Chunk)
        {
            await _bulkHead.WriteAsync(_chunk);
        }

        Message ack = await _bulkHead.ReadAsync() ?? throw new InvalidOperationException("the sink closed the connection");
        ack.Release();
        return BulkBytes;
    }

    /// <summary>100-byte frames through a <see cref="SocketConnection"/>: a write and a flush per frame.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    [BenchmarkCategory("Echo")]
    public async Task<long> EchoSocketConnection()
    {
        Task<long> reading = ReadFramesAsync(_echoConnection.Input);
        PipeWriter output = _echoConnection.Output;
        for (int i = 0; i < Frames; i++)
        {
            output.Write(_frame);
            await output.FlushAsync();
        }

        return await reading;
    }

    /// <summary>100-byte frames through a <see cref="NetworkStream"/>: a write per frame.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    [BenchmarkCategory("Echo")]
    public async Task<long> EchoNetworkStream()
    {
        Task<long> reading = ReadFramesAsync(_echoStream);
        for (int i = 0; i < Frames; i++)
        {
            await _echoStream.WriteAsync(_frame);
        }

        return await reading;
    }

    /// <summary>100-byte frames through a stream over the <c>tcp:</c> driver: a 96-byte message written per frame
    /// under <c>length</c> (which adds the 4-byte prefix), the echoes read back as messages.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    [BenchmarkCategory("Echo")]
    public Task<long> EchoStreamsDriver() => WritePayloadsAsync(_echoHead, ReadFramesAsync(_echoHead));

    /// <summary>As <see cref="EchoStreamsDriver"/>, but the reader drains the frames waiting at the head in bursts
    /// (<see cref="StreamHead.TryRead(Span{Message})"/>, one lock per burst) and waits only when none is there, as a
    /// reader that wants throughput does; still one message per frame.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    [BenchmarkCategory("Echo")]
    public Task<long> EchoStreamsDriverBurst() => WritePayloadsAsync(_echoBurstHead, ReadFrameBurstsAsync(_echoBurstHead));

    /// <summary>The same frames through the driver alone: each 100-byte frame (prefix included) written as one
    /// message with no module, the echoes read back as the driver delivers them (whole socket reads) and counted
    /// by bytes, as the <see cref="NetworkStream"/> reader does.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    [BenchmarkCategory("Echo")]
    public async Task<long> EchoStreamsDriverBytes()
    {
        Task<long> reading = ReadBytesAsync(_echoBytesHead);
        ReadOnlyMemory<byte> frame = _frame;
        for (int i = 0; i < Frames; i++)
        {
            await _echoBytesHead.WriteAsync(frame);
        }

        return await reading;
    }

    // Writes one 96-byte payload per frame (length adds the prefix) while reading runs, then waits for it.
    private async Task<long> WritePayloadsAsync(StreamHead head, Task<long> reading)
    {
        ReadOnlyMemory<byte> payload = _frame.AsMemory(4);
        for (int i = 0; i < Frames; i++)
        {
            await head.WriteAsync(payload);
        }

        return await reading;
    }

    private static async Task<long> ReadBytesAsync(StreamHead head)
    {
        long expected = (long)Frames * FrameSize, received = 0;
        while (received < expected)
        {
            Message chunk = await head.ReadAsync() ?? throw new InvalidOperationException("the echo ended early");
            received += chunk.Length;
            chunk.Release();
        }

        return received / FrameSize;
    }

    private static async Task<long> ReadFramesAsync(StreamHead head)
    {
        long frames = 0;
        while (frames < Frames)
        {
            Message frame = await head.ReadAsync() ?? throw new InvalidOperationException($"the echo ended after {frames} frames");
            frame.Release();
            frames++;
        }

        return frames;
    }

    private static async Task<long> ReadFrameBurstsAsync(StreamHead head)
    {
        Message[] burst = new Message[256];
        long frames = 0;
        while (frames < Frames)
        {
            int n = head.TryRead(burst);
            if (n == 0)
            {
                Message frame = await head.ReadAsync() ?? throw new InvalidOperationException($"the echo ended after {frames} frames");
                frame.Release();
                frames++;
                continue;
            }

            for (int i = 0; i < n; i++)
            {
                burst[i].Release();
            }

            frames += n;
        }

        return frames;
    }

    private static async Task<long> ReadAckAsync(PipeReader input)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            if (!result.Buffer.IsEmpty)
            {
                input.AdvanceTo(result.Buffer.GetPosition(1));
                return BulkBytes;
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("the sink closed the connection");
            }

            input.AdvanceTo(result.Buffer.End);
        }
    }

    private static async Task<long> ReadFramesAsync(PipeReader input)
    {
        long frames = 0;
        while (frames < Frames)
        {
            ReadResult result = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (buffer.Length >= 4)
            {
                int length = ReadLength(buffer);
                if (buffer.Length < 4 + length)
                {
                    break;
                }

                buffer = buffer.Slice(4 + length);
                frames++;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted && frames < Frames)
            {
                throw new InvalidOperationException($"the echo ended after {frames} frames");
            }
        }

        return frames;
    }

    private static async Task<long> ReadFramesAsync(NetworkStream stream)
    {
        // The frames are all the same size: count bytes.
        byte[] buffer = new byte[Chunk];
        long expected = (long)Frames * FrameSize, received = 0;
        while (received < expected)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, expected - received)));
            if (n == 0)
            {
                throw new InvalidOperationException("the echo ended early");
            }

            received += n;
        }

        return received / FrameSize;
    }

    private static int ReadLength(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(header);
        return BinaryPrimitives.ReadInt32BigEndian(header);
    }

    private async Task<SocketConnection> ConnectPipeAsync(byte mode)
    {
        SocketConnection connection = await SocketConnection.ConnectAsync(_server.EndPoint);
        connection.Output.Write([mode]);
        await connection.Output.FlushAsync();
        return connection;
    }

    private async Task<StreamHead> ConnectHeadAsync(byte mode)
    {
        StreamHead head = await Transport.OpenAsync($"tcp:127.0.0.1:{_server.EndPoint.Port}");
        await head.WriteAsync(new[] { mode });
        return head;
    }

    private async Task<NetworkStream> ConnectStreamAsync(byte mode)
    {
        var socket = new Socket(_server.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_server.EndPoint);
        var stream = new NetworkStream(socket, ownsSocket: true);
        await stream.WriteAsync(new[] { mode });
        return stream;
    }
}
