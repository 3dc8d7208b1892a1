using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Streams.Modules.Protocol;

/// <summary>Appends a CRC-32C (Castagnoli) of each message going down, and verifies and removes it coming
/// up.</summary>
/// <remarks>
/// <para>The checksum covers one message, so push the module above a framer that keeps message boundaries over
/// a byte transport: <c>-m checksum -m length</c>. It is the CRC-32C of iSCSI, SCTP, ext4 and Kafka (check value
/// <c>E3069283</c> for <c>"123456789"</c>), appended big-endian. (System.IO.Hashing 10.0 has no Crc32C type; the
/// module computes it with <see cref="BitOperations.Crc32C(uint, ulong)"/>, which uses the CPU's CRC32
/// instruction where there is one.)</para>
/// <code>
/// down, before (5 bytes)      after (9 bytes)
/// +---------+                 +---------+-------------+
/// | "hello" |  ------------>  | "hello" | 9A 71 BB 4C |
/// +---------+                 +---------+-------------+
///
/// up, before (9 bytes)                     after (5 bytes)
/// +---------+-------------+                +---------+
/// | "hello" | 9A 71 BB 4C |  ------------> | "hello" |
/// +---------+-------------+                +---------+
/// </code>
/// <para>A message coming up that is shorter than 4 bytes or whose checksum does not match fails the stream
/// with a <see cref="StreamException"/> naming this module and the message's offset: the count of bytes (as
/// received, checksums included) of the messages before it on the read side.</para>
/// </remarks>
public sealed class ChecksumModule : StreamModule
{
    /// <summary>The size of the checksum trailer.</summary>
    public const int ChecksumLength = 4;

    private long _readOffset;

    /// <summary>Creates the module.</summary>
    public ChecksumModule()
        : base("checksum")
    {
    }

    /// <summary>Computes the CRC-32C (Castagnoli, reflected, initial and final XOR 0xFFFFFFFF) of
    /// <paramref name="data"/>.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFF;
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong w in words)
        {
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? w : BinaryPrimitives.ReverseEndianness(w));
        }

        foreach (byte b in data[(words.Length * sizeof(ulong))..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    /// <inheritdoc />
    protected override void OnWrite(StreamQueue queue, Message message)
    {
        if (message.Kind is MessageKind.Data or MessageKind.Proto)
        {
            uint crc = Crc32C(message.Span);
            if (!message.TryAppend(ChecksumLength, out Span<byte> trailer))
            {
                Message copy = queue.Pool.Rent(message.Length + ChecksumLength, message.Kind);
                copy.Band = message.Band;
                copy.Protocol = message.Protocol;
                message.Span.CopyTo(copy.WritableSpan);
                message.Release();
                message = copy;
                trailer = copy.WritableSpan[^ChecksumLength..];
            }

            BinaryPrimitives.WriteUInt32BigEndian(trailer, crc);
        }

        queue.PutNext(message);
    }

    /// <inheritdoc />
    protected override void OnRead(StreamQueue queue, Message message)
    {
        if (message.Kind is not (MessageKind.Data or MessageKind.Proto))
        {
            queue.PutNext(message);
            return;
        }

        long offset = _readOffset;
        int length = message.Length;
        _readOffset += length;
        if (length < ChecksumLength)
        {
            message.Release();
            throw new StreamException(Name, $"message at offset {offset} has {length} byte(s), too short for its {ChecksumLength}-byte checksum");
        }

        ReadOnlySpan<byte> span = message.Span;
        uint expected = BinaryPrimitives.ReadUInt32BigEndian(span[^ChecksumLength..]);
        uint actual = Crc32C(span[..^ChecksumLength]);
        if (expected != actual)
        {
            message.Release();
            throw new StreamException(Name, $"checksum mismatch in the message at offset {offset} ({length} bytes): it carries {expected:X8}, its bytes give {actual:X8}");
        }

        message.Truncate(length - ChecksumLength);
        queue.PutNext(message);
    }
}
