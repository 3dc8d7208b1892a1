using System.Buffers;
using System.IO.Compression;

namespace Streams.Modules.Compression;

/// <summary>gzip (RFC 1952), zlib (RFC 1950) and raw deflate (RFC 1951) on the runtime's zlib, through
/// <see cref="GZipStream"/>, <see cref="ZLibStream"/> and <see cref="DeflateStream"/> over adapter streams.</summary>
/// <remarks>The runtime offers these formats only as streams. The encoder writes through a stream that copies
/// into the caller's buffer writer; <see cref="Stream.Flush()"/> on the compression stream is zlib's
/// Z_SYNC_FLUSH. The decoder reads from a stream that hands out the bytes fed so far and reports "no more" (0)
/// when they run out: the runtime's inflater keeps its state and continues when fed again.</remarks>
internal sealed class ZLibFamilyCodec : Codec
{
    public static readonly ZLibFamilyCodec Gzip = new("gzip", Format.Gzip);
    public static readonly ZLibFamilyCodec Zlib = new("zlib", Format.Zlib);
    public static readonly ZLibFamilyCodec Deflate = new("deflate", Format.Deflate);

    private readonly Format _format;

    private ZLibFamilyCodec(string name, Format format)
    {
        Name = name;
        _format = format;
    }

    internal enum Format
    {
        Gzip,
        Zlib,
        Deflate,
    }

    public override string Name { get; }

    public override (int Min, int Max) QualityRange => (0, 9);

    public override CodecEncoder CreateEncoder(CodecOptions options) => new Encoder(_format, options);

    public override CodecDecoder CreateDecoder(CodecOptions options) => new Decoder(_format);

    private static Stream Open(Format format, Stream inner, CodecOptions options)
    {
        if (options.Quality is int q)
        {
            var z = new ZLibCompressionOptions { CompressionLevel = q };
            return format switch
            {
                Format.Gzip => new GZipStream(inner, z, leaveOpen: true),
                Format.Zlib => new ZLibStream(inner, z, leaveOpen: true),
                _ => new DeflateStream(inner, z, leaveOpen: true),
            };
        }

        return format switch
        {
            Format.Gzip => new GZipStream(inner, options.Level, leaveOpen: true),
            Format.Zlib => new ZLibStream(inner, options.Level, leaveOpen: true),
            _ => new DeflateStream(inner, options.Level, leaveOpen: true),
        };
    }

    private sealed class Encoder : CodecEncoder
    {
        private readonly SinkStream _sink = new();
        private readonly Stream _stream;
        private readonly Format _format;
        private bool _wrote;

        public Encoder(Format format, CodecOptions options)
        {
            _format = format;
            _stream = Open(format, _sink, options);
        }

        public override void Write(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
        {
            _sink.Target = output;
            _wrote |= input.Length > 0;
            _stream.Write(input);
        }

        public override void Flush(IBufferWriter<byte> output)
        {
            _sink.Target = output;
            _stream.Flush();
        }

        public override void Finish(IBufferWriter<byte> output)
        {
            if (!_wrote && _sink.Written == 0)
            {
                // The runtime's streams write nothing at all for empty input, which gzip -d and zlib-flate refuse:
                // write the empty member or stream the reference tools write (an empty final fixed block, 03 00).
                output.Write(_format switch
                {
                    Format.Gzip => [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                    Format.Zlib => [0x78, 0x9c, 3, 0, 0, 0, 0, 1],
                    _ => [3, 0],
                });
                _sink.Target = null;
                _stream.Dispose();
                return;
            }

            _sink.Target = output;
            _stream.Dispose();
            _sink.Target = null;
        }

        public override void Dispose()
        {
            // Dropping an unfinished stream must not write its trailer anywhere.
            _sink.Target = null;
            _stream.Dispose();
        }
    }

    private sealed class Decoder : CodecDecoder
    {
        // A sync flush ends with an empty stored block: 00 00 FF FF (what WebSocket permessage-deflate relies on).
        private const uint SyncFlushMarker = 0x0000FFFF;

        // Fed to the inflater at the end of the input to learn whether it stopped cleanly (see Complete): any value
        // but 0x1F, which could start another gzip member.
        private static readonly byte[] ProbeByte = [0xFF];
        private uint _tail = 1;
        private readonly FeedStream _feed = new();
        private readonly Stream _stream;
        private readonly Format _format;

        public Decoder(Format format)
        {
            _format = format;
            _stream = format switch
            {
                Format.Gzip => new GZipStream(_feed, CompressionMode.Decompress, leaveOpen: true),
                Format.Zlib => new ZLibStream(_feed, CompressionMode.Decompress, leaveOpen: true),
                _ => new DeflateStream(_feed, CompressionMode.Decompress, leaveOpen: true),
            };
        }

        public override int Decode(ref ReadOnlyMemory<byte> input, Span<byte> output)
        {
            ReadOnlySpan<byte> span = input.Span;
            for (int i = Math.Max(0, span.Length - 4); i < span.Length; i++)
            {
                _tail = (_tail << 8) | span[i];
            }

            _feed.Input = input;
            long before = _feed.Taken;
            try
            {
                return _stream.Read(output);
            }
            finally
            {
                Consumed += _feed.Taken - before;
                input = _feed.Input;
                _feed.Input = default;
            }
        }

        public override void Complete(bool strict)
        {
            if (_feed.Taken == 0)
            {
                // No input at all: a live stream that carried nothing is fine, an empty file is not a stream.
                if (strict)
                {
                    throw new InvalidDataException("unexpected end of file");
                }

                return;
            }

            // The runtime does not say whether its inflater reached the end of the stream (a short read is taken as
            // "no more input yet"), so ask it by feeding it one byte, twice. An inflater inside a stream — in a gzip
            // header, in the deflate data, in a trailer — takes each byte and asks for more, unless the byte fails
            // or decodes to output. One that reached the end takes nothing (deflate and zlib) or, after a gzip
            // member, takes one byte to look for another member's 1F 8B and then nothing. So the second byte taken
            // means the stream was unfinished, even when the first happened to complete a gzip trailer whose last
            // byte was missing.
            int first = Probe(out bool firstTaken);
            if (first < 0 && !strict && _tail == SyncFlushMarker)
            {
                // A live stream may end at a flush point (00 00 FF FF), where the inflater waits for a block header
                // and FF, a final block of the reserved type 3, fails at once. The same four bytes at the end of
                // stored data are no flush point: there FF is copied out.
                return;
            }

            if (first != 0 || (firstTaken && _format != Format.Gzip) || Probe(out bool secondTaken) != 0 || secondTaken)
            {
                throw new InvalidDataException("unexpected end of file");
            }
        }

        public override void Dispose() => _stream.Dispose();

        // Feeds one probe byte: the bytes it decoded to, or -1 when it failed; taken tells whether the inflater
        // took it.
        private int Probe(out bool taken)
        {
            long before = _feed.Taken;
            taken = false;
            _feed.Input = ProbeByte;
            Span<byte> scratch = stackalloc byte[256];
            try
            {
                return _stream.Read(scratch);
            }
            catch (InvalidDataException)
            {
                return -1;
            }
            finally
            {
                _feed.Input = default;
                taken = _feed.Taken > before;
            }
        }
    }

    /// <summary>The write end the compression stream writes into: copies into the current buffer writer.</summary>
    private sealed class SinkStream : Stream
    {
        public IBufferWriter<byte>? Target { get; set; }

        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Target is { } target)
            {
                target.Write(buffer);
                Written += buffer.Length;
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>The read end the decompression stream reads from: the bytes fed so far, then "none" (0).</summary>
    private sealed class FeedStream : Stream
    {
        public ReadOnlyMemory<byte> Input { get; set; }

        public long Taken { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, Input.Length);
            Input.Span[..n].CopyTo(buffer);
            Input = Input[n..];
            Taken += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
