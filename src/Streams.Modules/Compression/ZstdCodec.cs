using System.Buffers;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Streams.Modules.Compression;

/// <summary>Zstandard (RFC 8878) on ZstdSharp's streaming <see cref="Compressor"/> and
/// <see cref="Decompressor"/>, span to span.</summary>
/// <remarks>Concatenated frames decode as one stream, as <c>zstd -d</c> does. The decoder refuses frames whose
/// window is larger than the limit needs (at least 8 MiB, at most zstd's own default of 128 MiB), so a frame
/// header cannot make it allocate more than the limit allows.</remarks>
internal sealed class ZstdCodec : Codec
{
    public static readonly ZstdCodec Instance = new();

    public override string Name => "zstd";

    public override (int Min, int Max) QualityRange => (-7, 22);

    public override CodecEncoder CreateEncoder(CodecOptions options)
        => new Encoder(options.Quality ?? Pick(options.Level, fastest: 1, optimal: 3, smallest: 19, none: 1));

    public override CodecDecoder CreateDecoder(CodecOptions options)
    {
        int log = 64 - (int)ulong.LeadingZeroCount((ulong)Math.Max(1, options.MaxDecodedSize - 1));
        return new Decoder(Math.Clamp(log, 23, 27));
    }

    private sealed class Encoder : CodecEncoder
    {
        private readonly Compressor _compressor;

        public Encoder(int level)
        {
            _compressor = new Compressor(level);
        }

        public override void Write(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
        {
            while (!input.IsEmpty)
            {
                Span<byte> span = output.GetSpan(Math.Min(Step, input.Length + 64));
                _compressor.WrapStream(input, span, out int consumed, out int written, false);
                output.Advance(written);
                input = input[consumed..];
            }
        }

        public override void Flush(IBufferWriter<byte> output) => Drain(output, final: false);

        public override void Finish(IBufferWriter<byte> output) => Drain(output, final: true);

        public override void Dispose() => _compressor.Dispose();

        private void Drain(IBufferWriter<byte> output, bool final)
        {
            OperationStatus status;
            do
            {
                Span<byte> span = output.GetSpan(4096);
                status = _compressor.FlushStream(span, out int written, final);
                output.Advance(written);
            }
            while (status != OperationStatus.Done);
        }
    }

    // On ZSTD_decompressStream itself rather than Decompressor.UnwrapStream, for its return value: 0 at the end of
    // a frame, and the size of a block header (3) when the input stopped exactly between two blocks, which is where a
    // flush leaves it.
    private sealed unsafe class Decoder : CodecDecoder
    {
        private const nuint BlockHeaderSize = 3;
        private ZSTD_DCtx_s* _context;
        private nuint _hint;

        public Decoder(int windowLogMax)
        {
            _context = Methods.ZSTD_createDCtx();
            Methods.ZSTD_DCtx_setParameter(_context, ZSTD_dParameter.ZSTD_d_windowLogMax, windowLogMax);
        }

        ~Decoder()
        {
            Free();
        }

        public override int Decode(ref ReadOnlyMemory<byte> input, Span<byte> output)
        {
            ObjectDisposedException.ThrowIf(_context is null, this);
            fixed (byte* src = input.Span)
            fixed (byte* dst = output)
            {
                var inBuffer = new ZSTD_inBuffer_s { src = src, size = (nuint)input.Length, pos = 0 };
                var outBuffer = new ZSTD_outBuffer_s { dst = dst, size = (nuint)output.Length, pos = 0 };
                while (true)
                {
                    nuint before = inBuffer.pos;
                    nuint result = Methods.ZSTD_decompressStream(_context, &outBuffer, &inBuffer);
                    if (Methods.ZSTD_isError(result))
                    {
                        Consumed += (long)inBuffer.pos;
                        input = input[(int)inBuffer.pos..];
                        throw new InvalidDataException(Methods.ZSTD_getErrorName(result));
                    }

                    if (inBuffer.pos > before || outBuffer.pos > 0 || result == 0)
                    {
                        _hint = result;
                    }

                    if (outBuffer.pos > 0 || inBuffer.pos == inBuffer.size || inBuffer.pos == before)
                    {
                        break;
                    }
                }

                Consumed += (long)inBuffer.pos;
                input = input[(int)inBuffer.pos..];
                return (int)outBuffer.pos;
            }
        }

        public override void Complete(bool strict)
        {
            // No input at all is fine on a live stream that carried nothing, and is no zstd frame in a file. A
            // live stream may also end where a flush left it, between two blocks; but not right after a frame
            // header, since the flush that sent a header sent a block with it: the frame has taken more than its
            // header (processedCSize counts the frame's bytes, lhSize its header's).
            if ((Consumed == 0 && !strict)
                || (Consumed > 0 && (_hint == 0 || (!strict && _hint == BlockHeaderSize && _context->processedCSize > _context->lhSize))))
            {
                return;
            }

            throw new InvalidDataException("unexpected end of file");
        }

        public override void Dispose()
        {
            Free();
            GC.SuppressFinalize(this);
        }

        private void Free()
        {
            if (_context is not null)
            {
                Methods.ZSTD_freeDCtx(_context);
                _context = null;
            }
        }
    }
}
