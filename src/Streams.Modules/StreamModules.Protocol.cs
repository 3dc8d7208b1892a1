using Streams.Components;
using Streams.Modules.Protocol;

namespace Streams.Modules;

public static partial class StreamModules
{
    static partial void AddProtocol(ComponentRegistry registry)
    {
        registry.Add(new ComponentDescriptor
        {
            Name = "checksum",
            Summary = "appends a CRC-32C to each message going down, verifies and removes it coming up",
            Help = """
                usage: checksum

                Going down, each message gets its CRC-32C (Castagnoli) appended as 4 big-endian bytes. Coming up,
                the last 4 bytes of each message are checked and removed; a mismatch fails the stream, naming the
                message's offset. The checksum covers one message: push it above a framer.

                example: connect tcp:host:9000 -m checksum -m length
                """,
            CreateModule = _ => new ChecksumModule(),
        });

        registry.Add(new ComponentDescriptor
        {
            Name = "trace",
            Summary = "prints every message passing in either direction, and passes it on unchanged",
            Help = """
                usage: trace [--bytes N] [--file PATH]

                Writes one line per message: the direction (↓ down, ↑ up), the kind, the length, and the first
                bytes in hex and as text. Lines go to standard error, or are appended to --file (buffered).

                options:
                  --bytes N     payload bytes shown per message (default 64)
                  --file PATH   append to PATH instead of standard error

                example: connect tcp:host:9000 -m line -m trace
                """,
            Options =
            [
                new OptionSpec("bytes", OptionKind.Integer, "payload bytes shown per message", "64"),
                new OptionSpec("file", OptionKind.Text, "append to PATH instead of standard error"),
            ],
            CreateModule = a => Build(a, () => new TraceModule(new TraceOptions
            {
                Bytes = IntegerToInt(a, "bytes", 64),
                FilePath = a.GetText("file"),
            })),
        });

        registry.Add(new ComponentDescriptor
        {
            Name = "throttle",
            Summary = "limits the write side to a rate in bytes or messages per second, with back-pressure",
            Help = """
                usage: throttle (--bytes-per-second SIZE | --messages-per-second N) [--burst N]

                Messages going down wait until a token bucket allows them; while they wait, writers are held back
                by flow control. Nothing is dropped. Controls and flushes pass at once. Exactly one rate must be
                given: without one (or with both) it is a usage error (status 2 as a command).

                options:
                  --bytes-per-second SIZE   the rate in bytes (such as 64K)
                  --messages-per-second N   the rate in messages
                  --burst N                 how much may pass at once after a pause (default: one second's worth)

                example: connect tcp:host:9000 -m throttle --bytes-per-second 1M
                """,
            Options =
            [
                new OptionSpec("bytes-per-second", OptionKind.Size, "the rate in bytes per second"),
                new OptionSpec("messages-per-second", OptionKind.Integer, "the rate in messages per second"),
                new OptionSpec("burst", OptionKind.Size, "how much may pass at once after a pause", "one second's worth"),
            ],
            CreateModule = a => Build(a, () =>
            {
                var options = new ThrottleOptions
                {
                    BytesPerSecond = a.GetSize("bytes-per-second", 0),
                    MessagesPerSecond = a.GetInteger("messages-per-second", 0),
                    Burst = a.GetSize("burst", 0),
                };

                // The module's own check speaks of its options; a command line gets the option names.
                return (options.BytesPerSecond > 0) != (options.MessagesPerSecond > 0)
                    ? new ThrottleModule(options)
                    : throw new ComponentArgumentException(a.Component, "give one rate: --bytes-per-second SIZE or --messages-per-second N");
            }),
        });

        registry.Add(new ComponentDescriptor
        {
            Name = "heartbeat",
            Summary = "pings an idle connection and hangs up when the peer goes silent",
            Help = """
                usage: heartbeat [--interval DURATION] [--timeout DURATION]

                Frames every message with a type byte (00 data, 01 ping, 02 pong), sends a ping when nothing was
                written for --interval, answers pings with pongs, and hangs up (reason: timeout) when nothing was
                read for --timeout. Pings and pongs never reach the head. Push it above a framer, with the same
                module on both ends.

                options:
                  --interval DURATION   idle time before a ping (default 5s)
                  --timeout DURATION    silence before hanging up (default 15s)

                example: connect tcp:host:9000 -m heartbeat --interval 1s --timeout 3s -m length
                """,
            Options =
            [
                new OptionSpec("interval", OptionKind.Duration, "idle time before a ping", "5s"),
                new OptionSpec("timeout", OptionKind.Duration, "silence before hanging up", "15s"),
            ],
            CreateModule = a => Build(a, () => new HeartbeatModule(new HeartbeatOptions
            {
                Interval = a.GetDuration("interval", TimeSpan.FromSeconds(5)),
                Timeout = a.GetDuration("timeout", TimeSpan.FromSeconds(15)),
            })),
        });
    }
}
