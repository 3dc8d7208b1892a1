using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Streams.Transports.ZeroMq.Zmtp;

/// <summary>The parts of ZMTP 3.0 (rfc.zeromq.org/spec/23) the relay speaks: the greeting with the NULL
/// mechanism, the READY and PING/PONG commands, and frame headers.</summary>
/// <remarks>The relay announces version 3.0, so libzmq and NetMQ peers send subscriptions as messages (a first
/// byte of 1 or 0) rather than as the SUBSCRIBE and CANCEL commands of 3.1; both are understood.</remarks>
internal static class ZmtpWire
{
    public const int GreetingSize = 64;
    public const byte More = 0x01;
    public const byte Long = 0x02;
    public const byte Command = 0x04;
    private const byte Reserved = 0xF8;

    /// <summary>Our greeting: signature, version 3.0, mechanism NULL, not as server.</summary>
    public static void WriteGreeting(Span<byte> to)
    {
        to[..GreetingSize].Clear();
        to[0] = 0xFF;
        to[9] = 0x7F;
        to[10] = 3;
        to[11] = 0;
        "NULL"u8.CopyTo(to[12..]);
    }

    /// <summary>Checks a peer's greeting; returns null when it is one we speak, else why not.</summary>
    public static string? CheckGreeting(ReadOnlySpan<byte> greeting)
    {
        if (greeting[0] != 0xFF || (greeting[9] & 1) != 1)
        {
            return "not a ZMTP 3 greeting";
        }

        if (greeting[10] < 3)
        {
            return $"ZMTP version {greeting[10]} (3 or later is needed)";
        }

        ReadOnlySpan<byte> mechanism = greeting.Slice(12, 20);
        int end = mechanism.IndexOf((byte)0);
        mechanism = end < 0 ? mechanism : mechanism[..end];
        return mechanism.SequenceEqual("NULL"u8) ? null : $"mechanism {Encoding.ASCII.GetString(mechanism)} (only NULL is served)";
    }

    /// <summary>The size of our READY command for <paramref name="socketType"/>.</summary>
    public static int ReadySize(string socketType) => 2 + 6 + 1 + 11 + 4 + socketType.Length;

    /// <summary>Writes the READY command announcing <paramref name="socketType"/>.</summary>
    public static void WriteReady(Span<byte> to, string socketType)
    {
        int body = ReadySize(socketType) - 2;
        to[0] = Command;
        to[1] = (byte)body;
        to[2] = 5;
        "READY"u8.CopyTo(to[3..]);
        to[8] = 11;
        "Socket-Type"u8.CopyTo(to[9..]);
        BinaryPrimitives.WriteInt32BigEndian(to[20..], socketType.Length);
        Encoding.ASCII.GetBytes(socketType, to[24..]);
    }

    /// <summary>Reads a frame header at the start of <paramref name="data"/>.</summary>
    /// <returns>The header's size (2 or 9), 0 when more bytes are needed, -1 when the flags are invalid.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ReadHeader(ReadOnlySpan<byte> data, out byte flags, out long size)
    {
        size = 0;
        flags = 0;
        if (data.Length < 2)
        {
            return 0;
        }

        flags = data[0];
        if ((flags & Reserved) != 0)
        {
            return -1;
        }

        if ((flags & Long) == 0)
        {
            size = data[1];
            return 2;
        }

        if (data.Length < 9)
        {
            return 0;
        }

        size = (long)BinaryPrimitives.ReadUInt64BigEndian(data[1..]);
        return size < 0 ? -1 : 9;
    }

    /// <summary>The size of a frame header for a body of <paramref name="size"/> bytes.</summary>
    public static int HeaderSize(long size) => size > 255 ? 9 : 2;

    /// <summary>Writes a frame header; returns its size.</summary>
    public static int WriteHeader(Span<byte> to, byte flags, long size)
    {
        if (size > 255)
        {
            to[0] = (byte)(flags | Long);
            BinaryPrimitives.WriteUInt64BigEndian(to[1..], (ulong)size);
            return 9;
        }

        to[0] = flags;
        to[1] = (byte)size;
        return 2;
    }

    /// <summary>A command's name (the body's first bytes) and where its data starts.</summary>
    public static ReadOnlySpan<byte> CommandName(ReadOnlySpan<byte> body, out int dataStart)
    {
        dataStart = 0;
        if (body.Length == 0 || body[0] + 1 > body.Length)
        {
            return default;
        }

        dataStart = body[0] + 1;
        return body.Slice(1, body[0]);
    }

    /// <summary>The Socket-Type property of a READY command's properties, or null.</summary>
    public static string? SocketType(ReadOnlySpan<byte> properties) =>
        Property(properties, "Socket-Type"u8) is { } value ? Encoding.ASCII.GetString(value).ToUpperInvariant() : null;

    /// <summary>A property of a READY command's properties (its name compared without case), or null.</summary>
    public static byte[]? Property(ReadOnlySpan<byte> properties, ReadOnlySpan<byte> wanted)
    {
        while (properties.Length >= 5)
        {
            int nameLength = properties[0];
            if (1 + nameLength + 4 > properties.Length)
            {
                return null;
            }

            ReadOnlySpan<byte> name = properties.Slice(1, nameLength);
            uint valueLength = BinaryPrimitives.ReadUInt32BigEndian(properties[(1 + nameLength)..]);
            int valueStart = 1 + nameLength + 4;
            if (valueLength > (uint)(properties.Length - valueStart))
            {
                return null;
            }

            if (Ascii.EqualsIgnoreCase(name, wanted))
            {
                return properties.Slice(valueStart, (int)valueLength).ToArray();
            }

            properties = properties[(valueStart + (int)valueLength)..];
        }

        return null;
    }

    /// <summary>Whether a socket of type <paramref name="ours"/> may talk to one of type <paramref name="theirs"/>
    /// (the ZMTP table).</summary>
    public static bool Compatible(string ours, string theirs) => ours switch
    {
        "PULL" => theirs == "PUSH",
        "PUSH" => theirs == "PULL",
        "XSUB" => theirs is "PUB" or "XPUB",
        "XPUB" or "PUB" => theirs is "SUB" or "XSUB",
        "ROUTER" => theirs is "REQ" or "DEALER" or "ROUTER",
        "DEALER" => theirs is "REP" or "DEALER" or "ROUTER",
        _ => false,
    };
}
