using System.Buffers;
using System.IO.Compression;

namespace Streams.Modules.Compression;

/// <summary>Brotli (RFC 7932) on the runtime's <see cref="BrotliEncoder"/> and <see cref="BrotliDecoder"/>, which
/// work span to span with no stream in between.</summary>
/// <remarks>Brotli has no concatenation of its own; the decoder accepts a new brotli stream after the end of one
/// (what the module sends after a write-side flush), and treats bytes that do not start a valid stream as bad
/// input.</remarks>
internal sealed class BrotliCodec : Codec
{
    public static readonly BrotliCodec Instance = new();

    // The brotli CLI's default window (lgwin 22, 4 MiB).
    private const int Window = 22;

    public override string Name => "brotli";

    public override (int Min, int Max) QualityRange => (0, 11);

    public override CodecEncoder CreateEncoder(CodecOptions options)
        => new Encoder(options.Quality ?? Pick(options.Level, fastest: 1, optimal: 4, smallest: 11, none: 0));

    public override CodecDecoder CreateDecoder(CodecOptions options) => new Decoder();

    private sealed class Encoder : CodecEncoder
    {
        private BrotliEncoder _encoder;

        public Encoder(int quality)
        {
            _encoder = new BrotliEncoder(quality, Window);
        }

        public override void Write(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
        {
            while (true)
            {
                Span<byte> span = output.GetSpan(Math.Min(Step, input.Length + 64));
                OperationStatus status = _encoder.Compress(input, span, out int consumed, out int written, isFinalBlock: false);
                output.Advance(written);
                input = input[consumed..];
                Check(status);
                if (status == OperationStatus.Done && input.IsEmpty)
                {
                    return;
                }
            }
        }

        public override void Flush(IBufferWriter<byte> output)
        {
            OperationStatus status;
            do
            {
                Span<byte> span = output.GetSpan(256);
                status = _encoder.Flush(span, out int written);
                output.Advance(written);
                Check(status);
            }
            while (status != OperationStatus.Done);
        }

        public override void Finish(IBufferWriter<byte> output)
        {
            OperationStatus status;
            do
            {
                Span<byte> span = output.GetSpan(256);
                status = _encoder.Compress(default, span, out _, out int written, isFinalBlock: true);
                output.Advance(written);
                Check(status);
            }
            while (status != OperationStatus.Done);
        }

        public override void Dispose() => _encoder.Dispose();

        private static void Check(OperationStatus status)
        {
            if (status == OperationStatus.InvalidData)
            {
                throw new InvalidOperationException("the brotli encoder failed");
            }
        }
    }

    private sealed class Decoder : CodecDecoder
    {
        private BrotliDecoder _decoder;
        private bool _inStream;
        private bool _done;

        public override int Decode(ref ReadOnlyMemory<byte> input, Span<byte> output)
        {
            while (true)
            {
                if (_done && !input.IsEmpty)
                {
                    // Another brotli stream follows the end of the last one.
                    _decoder.Dispose();
                    _decoder = default;
                    _done = false;
                }

                OperationStatus status = _decoder.Decompress(input.Span, output, out int consumed, out int written);
                input = input[consumed..];
                Consumed += consumed;
                if (status == OperationStatus.InvalidData)
                {
                    throw new InvalidDataException("corrupt input");
                }

                if (status == OperationStatus.Done)
                {
                    _done = true;
                    _inStream = false;
                }
                else if (consumed > 0 || written > 0)
                {
                    _inStream = true;
                }

                if (written > 0)
                {
                    return written;
                }

                if (input.IsEmpty || (consumed == 0 && !_done))
                {
                    return 0;
                }
            }
        }

        public override void Complete(bool strict)
        {
            if (!_inStream && (Consumed > 0 || !strict))
            {
                // Between streams; or no input at all, which is fine on a live stream that carried nothing and is no
                // brotli stream in a file.
                return;
            }

            if (!strict)
            {
                // A flush leaves the stream byte-aligned between meta-blocks, where 0x03 is a last, empty meta-block
                // that ends it cleanly; anywhere else the byte is not that.
                OperationStatus status = _decoder.Decompress([0x03], stackalloc byte[256], out _, out int written);
                if (status == OperationStatus.Done && written == 0)
                {
                    return;
                }
            }

            throw new InvalidDataException("unexpected end of file");
        }

        public override void Dispose() => _decoder.Dispose();
    }
}
