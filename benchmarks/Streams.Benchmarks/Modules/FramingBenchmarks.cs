using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Streams.Modules.Framing;

namespace Streams.Benchmarks.Modules;

/// <summary>Each framer (line, length, netstring, delimiter) encoding and decoding 100-byte frames on a stream
/// over a <see cref="MemoryDriver"/>, against a hand-written loop over a <see cref="ReadOnlySequence{T}"/> (decode)
/// or into a buffer (encode). One operation is one frame.</summary>
/// <remarks>Encode: a message written at the head goes down through the framer and is released by the driver;
/// the loop copies the payload and its framing into a reused buffer. Decode: the encoded bytes are injected up
/// in 64 KiB messages and a counting module above the framer releases each frame; the loop cuts the same bytes,
/// held as a sequence of 64 KiB segments, with a <see cref="SequenceReader{T}"/>.</remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class FramingBenchmarks
{
    /// <summary>Frames per invocation.</summary>
    public const int Frames = 16 * 1024;

    private const int PayloadSize = 100;
    private static readonly byte[] Delimiter = "\r\n\r\n"u8.ToArray();
    private readonly byte[] _payload = new byte[PayloadSize];
    private readonly ArrayBufferWriter<byte> _encoded = new(4 * 1024 * 1024);
    private MessagePool _pool = null!;
    private StreamHead _head = null!;
    private MemoryDriver _driver = null!;
    private Counter _counter = null!;
    private byte[][] _chunks = [];
    private ReadOnlySequence<byte> _sequence;

    /// <summary>The framer.</summary>
    [Params("line", "length", "netstring", "delimiter")]
    public string Framer { get; set; } = "line";

    /// <summary>Opens the stream and encodes the frames to decode.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        for (int i = 0; i < _payload.Length; i++)
        {
            _payload[i] = (byte)('a' + (i % 26));
        }

        _pool = new MessagePool();
        _driver = new MemoryDriver { Discard = true };
        _head = StreamHead.Open(_driver, new StreamOptions { Pool = _pool });
        await _head.PushAsync(Create(Framer));
        _counter = new Counter();
        await _head.PushAsync(_counter);

        _encoded.ResetWrittenCount();
        for (int i = 0; i < Frames; i++)
        {
            EncodeByHand(_encoded, _payload);
        }

        ReadOnlyMemory<byte> all = _encoded.WrittenMemory;
        _chunks = [.. Enumerable.Range(0, (all.Length + 65535) / 65536).Select(i => all.Slice(i * 65536, Math.Min(65536, all.Length - (i * 65536))).ToArray())];
        _sequence = Segment.Chain(_chunks);
    }

    /// <summary>Closes the stream and checks that no message leaked.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _head.DisposeAsync();
        if (_pool.Outstanding != 0)
        {
            throw new InvalidOperationException($"{_pool.Outstanding} messages leaked");
        }
    }

    /// <summary>The framing written by hand into a reused buffer.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    [BenchmarkCategory("Encode")]
    public int EncodeLoop()
    {
        ArrayBufferWriter<byte> output = _encoded;
        output.ResetWrittenCount();
        for (int i = 0; i < Frames; i++)
        {
            EncodeByHand(output, _payload);
        }

        return output.WrittenCount;
    }

    /// <summary>Messages written down through the framer.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    [BenchmarkCategory("Encode")]
    public long Encode()
    {
        StreamHead head = _head;
        for (int i = 0; i < Frames; i++)
        {
            ValueTask write = head.WriteAsync(_pool.Data(_payload));
            if (!write.IsCompletedSuccessfully)
            {
                write.AsTask().GetAwaiter().GetResult();
            }
        }

        return _pool.TotalRented;
    }

    /// <summary>The frames cut by hand from a sequence of 64 KiB segments.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Frames)]
    [BenchmarkCategory("Decode")]
    public long DecodeLoop()
    {
        var reader = new SequenceReader<byte>(_sequence);
        long frames = 0, bytes = 0;
        while (TryDecodeByHand(ref reader, out ReadOnlySequence<byte> frame))
        {
            frames++;
            bytes += frame.Length;
        }

        return frames == Frames ? bytes : throw new InvalidOperationException($"{frames} frames decoded of {Frames}");
    }

    /// <summary>64 KiB messages put up through the framer; a module above it counts and releases the frames.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    [BenchmarkCategory("Decode")]
    public long Decode()
    {
        _counter.Frames = 0;
        foreach (byte[] chunk in _chunks)
        {
            _driver.InjectUp(chunk);
        }

        return _counter.Frames == Frames ? _counter.Frames : throw new InvalidOperationException($"{_counter.Frames} frames decoded of {Frames}");
    }

    private static StreamModule Create(string framer) => framer switch
    {
        "line" => new LineModule(),
        "length" => new LengthModule(),
        "netstring" => new NetstringModule(),
        "delimiter" => new DelimiterModule(new DelimiterOptions { Delimiter = Delimiter }),
        _ => throw new ArgumentOutOfRangeException(nameof(framer), framer, null),
    };

    private void EncodeByHand(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> payload)
    {
        switch (Framer)
        {
            case "line":
                output.Write(payload);
                output.Write("\n"u8);
                break;
            case "length":
                BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(4), payload.Length);
                output.Advance(4);
                output.Write(payload);
                break;
            case "netstring":
                payload.Length.TryFormat(output.GetSpan(11), out int digits, default, CultureInfo.InvariantCulture);
                output.Advance(digits);
                output.Write(":"u8);
                output.Write(payload);
                output.Write(","u8);
                break;
            default:
                output.Write(payload);
                output.Write(Delimiter);
                break;
        }
    }

    private bool TryDecodeByHand(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> frame)
    {
        switch (Framer)
        {
            case "line":
                return reader.TryReadTo(out frame, (byte)'\n');
            case "length":
                if (reader.TryReadBigEndian(out int length) && reader.Remaining >= length)
                {
                    frame = reader.UnreadSequence.Slice(0, length);
                    reader.Advance(length);
                    return true;
                }

                frame = default;
                return false;
            case "netstring":
                if (reader.TryReadTo(out ReadOnlySequence<byte> digits, (byte)':'))
                {
                    int n = 0;
                    foreach (ReadOnlyMemory<byte> segment in digits)
                    {
                        foreach (byte b in segment.Span)
                        {
                            n = (n * 10) + (b - '0');
                        }
                    }

                    if (reader.Remaining > n && reader.UnreadSequence.Slice(n).FirstSpan[0] == (byte)',')
                    {
                        frame = reader.UnreadSequence.Slice(0, n);
                        reader.Advance(n + 1);
                        return true;
                    }
                }

                frame = default;
                return false;
            default:
                return reader.TryReadTo(out frame, Delimiter);
        }
    }

    /// <summary>Counts and releases the data messages that come up.</summary>
    private sealed class Counter() : StreamModule("count")
    {
        public long Frames { get; set; }

        protected override void OnRead(StreamQueue queue, Message message)
        {
            if (message.Kind is MessageKind.Data)
            {
                Frames++;
                message.Release();
                return;
            }

            queue.PutNext(message);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        private Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Chain(byte[][] chunks)
        {
            var first = new Segment(chunks[0], 0);
            Segment last = first;
            foreach (byte[] chunk in chunks.Skip(1))
            {
                var next = new Segment(chunk, last.RunningIndex + last.Memory.Length);
                last.Next = next;
                last = next;
            }

            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
