using Streams.Components;
using Streams.Modules.Framing;

namespace Streams.Modules;

public static partial class StreamModules
{
    static partial void AddFraming(ComponentRegistry registry)
    {
        registry.Add(new ComponentDescriptor
        {
            Name = "line",
            Summary = "one message per line: appends a newline going down, splits at newlines coming up",
            Help = """
                usage: line [--crlf] [--max SIZE]

                Going down, each message gets a newline (LF, or CR LF with --crlf) appended. Coming up, the bytes
                are cut into one message per line, the newline removed; with --crlf both LF and CR LF end a line.
                A line longer than --max fails the stream (naming the offset) before it is buffered. When the far
                end hangs up, a last line without a newline is still delivered.

                options:
                  --crlf        end lines with CR LF going down, remove the CR coming up
                  --max SIZE    the longest line accepted (default 64K)

                example: connect tcp:localhost:7 -m line
                """,
            Options =
            [
                new OptionSpec("crlf", OptionKind.Flag, "end lines with CR LF going down, remove the CR coming up"),
                new OptionSpec("max", OptionKind.Size, "the longest line accepted", "64K"),
            ],
            MessagesAtHead = true,
            CreateModule = a => Build(a, () => new LineModule(new LineOptions
            {
                Crlf = a.GetFlag("crlf"),
                MaxLength = SizeToInt(a, "max", 64 * 1024),
            })),
        });

        registry.Add(new ComponentDescriptor
        {
            Name = "length",
            Summary = "length-prefixed frames (Twisted Int32StringReceiver, Netty LengthFieldPrepender)",
            Help = """
                usage: length [--bytes 1|2|4|8] [--little-endian] [--max SIZE] [--adjust N] [--offset N]
                              [--includes-header] [--no-strip]

                Going down, each message gets a header: --offset zero bytes, then its length in a --bytes field
                (big-endian unless --little-endian). Coming up, the bytes are cut into one message per frame and
                the header is removed (kept with --no-strip). The defaults match Twisted's Int32StringReceiver and
                Netty's LengthFieldPrepender(4) / LengthFieldBasedFrameDecoder(max, 0, 4, 0, 4). A length over
                --max fails the stream from the header, before the frame is buffered.

                options:
                  --bytes N           size of the length field: 1, 2, 4 or 8 (default 4)
                  --little-endian     the length is little-endian (default big-endian)
                  --max SIZE          the largest frame accepted, after the length field (default 16M)
                  --adjust N          bytes after the length field = length + N (Netty's lengthAdjustment; default 0)
                  --offset N          header bytes before the length field, zeros going down (default 0)
                  --includes-header   the length counts the header too
                  --strip             remove the header coming up (the default)
                  --no-strip          keep the header coming up

                example: listen tcp:*:9000 -m length --max 1M -- cat
                """,
            Options =
            [
                new OptionSpec("bytes", OptionKind.Choice, "size of the length field", "4") { Choices = ["1", "2", "4", "8"] },
                new OptionSpec("little-endian", OptionKind.Flag, "the length is little-endian"),
                new OptionSpec("max", OptionKind.Size, "the largest frame accepted", "16M"),
                new OptionSpec("adjust", OptionKind.Integer, "bytes after the length field = length + N", "0"),
                new OptionSpec("offset", OptionKind.Integer, "header bytes before the length field", "0"),
                new OptionSpec("includes-header", OptionKind.Flag, "the length counts the header too"),
                new OptionSpec("strip", OptionKind.Flag, "remove the header coming up (default)"),
                new OptionSpec("no-strip", OptionKind.Flag, "keep the header coming up"),
            ],
            MessagesAtHead = true,
            CreateModule = a => Build(a, () => new LengthModule(new LengthOptions
            {
                LengthBytes = IntegerToInt(a, "bytes", 4),
                LittleEndian = a.GetFlag("little-endian"),
                MaxLength = SizeToInt(a, "max", 16 * 1024 * 1024),
                Adjust = IntegerToInt(a, "adjust", 0),
                Offset = IntegerToInt(a, "offset", 0),
                IncludesHeader = a.GetFlag("includes-header"),
                Strip = !a.GetFlag("no-strip"),
            })),
        });

        registry.Add(new ComponentDescriptor
        {
            Name = "netstring",
            Summary = "netstring frames (5:hello,), as Twisted's NetstringReceiver",
            Help = """
                usage: netstring [--max SIZE]

                Going down, each message becomes LENGTH ":" BYTES ",". Coming up, the bytes are cut into one
                message per netstring. Bad digits, a leading zero (other than "0:"), a missing ':' or ',' and a
                length over --max fail the stream, naming the offset.

                options:
                  --max SIZE    the largest netstring accepted (default 16M)
                """,
            Options = [new OptionSpec("max", OptionKind.Size, "the largest netstring accepted", "16M")],
            MessagesAtHead = true,
            CreateModule = a => Build(a, () => new NetstringModule(new NetstringOptions { MaxLength = SizeToInt(a, "max", 16 * 1024 * 1024) })),
        });

        registry.Add(new ComponentDescriptor
        {
            Name = "delimiter",
            Summary = "frames ended by a delimiter: appends it going down, splits at it coming up",
            Help = """
                usage: delimiter [--delimiter TEXT] [--max SIZE]

                Going down, each message gets the delimiter appended. Coming up, the bytes are cut at every
                delimiter, which is removed. TEXT may use the escapes \n \r \t \0 \\ \xHH. A frame longer than
                --max fails the stream before it is buffered; a last frame without a delimiter is delivered when
                the far end hangs up.

                options:
                  --delimiter TEXT   the delimiter (default \n)
                  --max SIZE         the longest frame accepted (default 64K)

                example: connect tcp:host:9000 -m delimiter --delimiter '\r\n\r\n'
                """,
            Options =
            [
                new OptionSpec("delimiter", OptionKind.Text, "the delimiter, with escapes \\n \\r \\t \\0 \\xHH", "\\n"),
                new OptionSpec("max", OptionKind.Size, "the longest frame accepted", "64K"),
            ],
            MessagesAtHead = true,
            CreateModule = a => Build(a, () => new DelimiterModule(new DelimiterOptions
            {
                Delimiter = DelimiterOptions.ParseEscapes(a.GetText("delimiter", "\\n")!),
                MaxLength = SizeToInt(a, "max", 64 * 1024),
            })),
        });
    }

    private static int SizeToInt(ComponentArguments arguments, string name, int defaultValue)
    {
        long size = arguments.GetSize(name, defaultValue);
        return size is > 0 and <= int.MaxValue ? (int)size : throw new ArgumentOutOfRangeException(name, size, $"--{name}: {size} is out of range");
    }
}
