namespace Streams.Modules.Compression;

/// <summary>The base of the compression modules: compresses what goes down, decompresses what comes up, on a
/// streaming codec writing into pooled messages.</summary>
/// <remarks>
/// <para><b>Down.</b> Each data (or protocol) message is compressed and then flushed — a sync flush
/// (Z_SYNC_FLUSH for gzip, zlib and deflate; a brotli flush; a zstd block flush) — so the far side can decode it as
/// soon as it arrives: a line protocol over <c>line</c> + <c>gzip</c> still answers line by line. What one message
/// compresses to goes down as one data message (more when it passes 64 KiB); the message itself is released.
/// Protocol information of a <see cref="MessageKind.Proto"/> message is not carried: below a codec there are only
/// bytes. A hangup going down (the writer finished) ends the compressed stream — the gzip trailer, the zstd
/// epilogue — before the hangup is passed on. A flush of the write side starts a new compressed stream, since the
/// bytes it discards may have been the beginning of the current one.</para>
/// <para><b>Up.</b> Compressed bytes in any chunking are decoded, and what one incoming message decodes to is passed
/// up as data at once (in messages of at most 64 KiB). Concatenated streams (gzip members, zstd frames) decode one
/// after the other. Bad input fails the stream with a <see cref="StreamException"/> naming the module and the
/// compressed byte offset; so does a hangup in the middle of a compressed stream (truncated input: inside a header,
/// the compressed data or a trailer) — unless it came at a flush point, after a whole message: a peer that went
/// away between messages without ending its compressed stream lost nothing, so that hangup is passed up as a
/// normal end. A flush of the read side starts a new decoder.</para>
/// <para><b>Limit.</b> What one incoming message decodes to may not pass <see cref="CodecOptions.MaxDecodedSize"/>
/// (default 64 MiB): the decoder counts as it goes, in steps of at most 64 KiB, and fails the stream as soon as the
/// count would pass it — a decompression bomb is refused after at most the limit, never buffered whole, and no more
/// than the limit goes up.</para>
/// </remarks>
public abstract class CodecModule : StreamModule
{
    private readonly Codec _codec;
    private readonly MessageWriter _down = new();
    private readonly MessageWriter _up = new();
    private CodecEncoder? _encoder;
    private CodecDecoder? _decoder;

    private protected CodecModule(string codec, CodecOptions? options)
        : base(codec)
    {
        _codec = Codec.Get(codec);
        Options = options ?? new CodecOptions();
        _codec.Validate(Options);
    }

    /// <summary>The options.</summary>
    public CodecOptions Options { get; }

    /// <inheritdoc />
    protected override void OnWrite(StreamQueue queue, Message message)
    {
        switch (message.Kind)
        {
            case MessageKind.Data or MessageKind.Proto:
                Encode(queue, message);
                break;
            case MessageKind.Hangup:
                if (_encoder is { } encoder)
                {
                    _encoder = null;
                    _down.Target = queue;
                    try
                    {
                        encoder.Finish(_down);
                        _down.Publish();
                    }
                    finally
                    {
                        encoder.Dispose();
                    }
                }

                queue.PutNext(message);
                break;
            case MessageKind.Flush when (message.FlushSides & FlushSides.Write) != 0:
                _down.Reset();
                _encoder?.Dispose();
                _encoder = null;
                queue.PutNext(message);
                break;
            default:
                queue.PutNext(message);
                break;
        }
    }

    /// <inheritdoc />
    protected override void OnRead(StreamQueue queue, Message message)
    {
        switch (message.Kind)
        {
            case MessageKind.Data or MessageKind.Proto:
                Decode(queue, message);
                break;
            case MessageKind.Hangup:
                if (_decoder is { } decoder)
                {
                    try
                    {
                        decoder.Complete(strict: false);
                    }
                    catch (InvalidDataException ex)
                    {
                        message.Release();
                        throw Failure(ex, decoder.Consumed);
                    }
                }

                queue.PutNext(message);
                break;
            case MessageKind.Flush when (message.FlushSides & FlushSides.Read) != 0:
                _up.Reset();
                _decoder?.Dispose();
                _decoder = null;
                queue.PutNext(message);
                break;
            default:
                queue.PutNext(message);
                break;
        }
    }

    /// <inheritdoc />
    protected override void OnPopped(StreamQueue write, StreamQueue read)
    {
        _down.Reset();
        _up.Reset();
        _encoder?.Dispose();
        _encoder = null;
        _decoder?.Dispose();
        _decoder = null;
    }

    private void Encode(StreamQueue queue, Message message)
    {
        CodecEncoder encoder = _encoder ??= _codec.CreateEncoder(Options);
        _down.Target = queue;
        try
        {
            encoder.Write(message.Span, _down);
            encoder.Flush(_down);
        }
        finally
        {
            message.Release();
        }

        _down.Publish();
    }

    private void Decode(StreamQueue queue, Message message)
    {
        CodecDecoder decoder = _decoder ??= _codec.CreateDecoder(Options);
        _up.Target = queue;
        long limit = Options.MaxDecodedSize;
        long produced = 0;
        ReadOnlyMemory<byte> input = message.Memory;
        try
        {
            while (true)
            {
                int room = Codec.Room(limit, produced);
                Span<byte> span = _up.GetSpan(room)[..room];
                int written = decoder.Decode(ref input, span);
                if (written > limit - produced)
                {
                    // The step had room for one byte past the limit, to see it broken: it is dropped, with what
                    // is still in the buffer (the reset below), so no more than the limit ever goes up.
                    throw new StreamException(Name, $"a message decodes to more than {limit} bytes (--max), at compressed byte offset {decoder.Consumed}");
                }

                _up.Advance(written);
                produced += written;

                if (written == 0)
                {
                    break;
                }
            }
        }
        catch (InvalidDataException ex)
        {
            _up.Reset();
            throw Failure(ex, decoder.Consumed);
        }
        catch
        {
            _up.Reset();
            throw;
        }
        finally
        {
            message.Release();
        }

        _up.Publish();
    }

    private StreamException Failure(InvalidDataException error, long offset)
    {
        string what = offset <= 0 || error.Message.Contains("unsupported compression method", StringComparison.Ordinal)
            ? $"not in {Name} format"
            : error.Message == "unexpected end of file" ? "unexpected end of file (truncated input)" : $"invalid compressed data ({error.Message})";
        return new StreamException(Name, $"{what} at compressed byte offset {offset}", error);
    }
}
