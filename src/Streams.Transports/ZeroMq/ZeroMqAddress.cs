using System.Globalization;

namespace Streams.Transports.ZeroMq;

/// <summary>A parsed <c>zmq:</c> address: socket type, endpoints and socket options.</summary>
/// <remarks>
/// <para>Syntax: <c>zmq:TYPE:ENDPOINT[,ENDPOINT…][?NAME=VALUE&amp;…]</c>.</para>
/// <list type="bullet">
/// <item><c>TYPE</c>: pair, dealer, router, push, pull, pub, sub, xpub, xsub, req, rep (case-insensitive).</item>
/// <item><c>ENDPOINT</c>: a ZeroMQ endpoint (<c>tcp://127.0.0.1:5557</c>, <c>ipc://…</c>, <c>inproc://…</c>);
/// <c>@</c> before it binds, <c>&gt;</c> connects. Without a prefix NetMQ's defaults apply: pub, xpub, router,
/// rep and pull bind; the other types connect.</item>
/// <item>Options: <c>subscribe=TOPIC</c> (sub and xsub, repeatable; <c>subscribe=</c> subscribes to everything; a sub
/// without any subscribe option subscribes to everything), <c>sndhwm=N</c>, <c>rcvhwm=N</c> (messages, default
/// 1000), <c>linger=MS</c> (used when the stream is aborted or closed before its writer finished; default 0),
/// <c>closelinger=MS</c> (used when the stream closes after its writer finished, so that what was written is
/// still delivered; default 2000), <c>identity=TEXT</c> (routing id of a dealer, req or router),
/// <c>batch=N</c> (messages moved per poller turn, default 256).</item>
/// </list>
/// <para>Example: <c>zmq:sub:&gt;tcp://127.0.0.1:5556?subscribe=weather&amp;subscribe=news&amp;rcvhwm=1000&amp;linger=0</c>.</para>
/// </remarks>
public sealed class ZeroMqAddress
{
    private ZeroMqAddress(string text, ZeroMqSocketType type, IReadOnlyList<ZeroMqEndpoint> endpoints)
    {
        Text = text;
        SocketType = type;
        Endpoints = endpoints;
    }

    /// <summary>The address as written.</summary>
    public string Text { get; }

    /// <summary>The socket type.</summary>
    public ZeroMqSocketType SocketType { get; }

    /// <summary>The endpoints, in order (bound or connected when the socket opens).</summary>
    public IReadOnlyList<ZeroMqEndpoint> Endpoints { get; }

    /// <summary>Subscriptions of a sub socket (empty: everything).</summary>
    public IReadOnlyList<string> Subscriptions { get; private init; } = [];

    /// <summary>The send high-water mark in messages (default 1000).</summary>
    public int SendHighWatermark { get; private init; } = 1000;

    /// <summary>The receive high-water mark in messages (default 1000).</summary>
    public int ReceiveHighWatermark { get; private init; } = 1000;

    /// <summary>Linger on abort (default 0).</summary>
    public TimeSpan Linger { get; private init; } = TimeSpan.Zero;

    /// <summary>Linger when the stream closes after its writer finished (default 2 s).</summary>
    public TimeSpan CloseLinger { get; private init; } = TimeSpan.FromSeconds(2);

    /// <summary>The routing identity, or null.</summary>
    public string? Identity { get; private init; }

    /// <summary>Messages moved per poller turn (default 256).</summary>
    public int Batch { get; private init; } = 256;

    /// <summary>Parses <paramref name="address"/> (with or without the <c>zmq:</c> prefix).</summary>
    /// <exception cref="FormatException">The address is malformed; the message names the bad part.</exception>
    public static ZeroMqAddress Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        string rest = address.StartsWith(ZeroMqTransport.Scheme, StringComparison.OrdinalIgnoreCase) ? address[ZeroMqTransport.Scheme.Length..] : address;
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw Bad(address, "expected zmq:TYPE:ENDPOINT (the socket type is missing)");
        }

        string typeText = rest[..colon];
        ZeroMqSocketType type = ParseType(address, typeText);
        rest = rest[(colon + 1)..];
        string? query = null;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var endpoints = new List<ZeroMqEndpoint>();
        foreach (string part in rest.Split(',', StringSplitOptions.TrimEntries))
        {
            endpoints.Add(ZeroMqEndpoint.Parse(part, DefaultBinds(type), address));
        }

        var subscriptions = new List<string>();
        int sndhwm = 1000, rcvhwm = 1000, batch = 256;
        TimeSpan linger = TimeSpan.Zero, closeLinger = TimeSpan.FromSeconds(2);
        string? identity = null;
        if (!string.IsNullOrEmpty(query))
        {
            foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                string name = (eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
                string value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
                switch (name)
                {
                    case "subscribe":
                        if (type is not (ZeroMqSocketType.Sub or ZeroMqSocketType.XSub))
                        {
                            throw Bad(address, $"option 'subscribe' applies to sub and xsub sockets, not {typeText}");
                        }

                        subscriptions.Add(value);
                        break;
                    case "sndhwm":
                        sndhwm = Int(address, name, value, 0);
                        break;
                    case "rcvhwm":
                        rcvhwm = Int(address, name, value, 0);
                        break;
                    case "linger":
                        linger = TimeSpan.FromMilliseconds(Int(address, name, value, 0));
                        break;
                    case "closelinger":
                        closeLinger = TimeSpan.FromMilliseconds(Int(address, name, value, 0));
                        break;
                    case "batch":
                        batch = Int(address, name, value, 1);
                        break;
                    case "identity":
                        if (value.Length is 0 or > 255)
                        {
                            throw Bad(address, "option 'identity' must have 1 to 255 characters");
                        }

                        identity = value;
                        break;
                    default:
                        throw Bad(address, $"unknown option '{name}' (known: subscribe, sndhwm, rcvhwm, linger, closelinger, identity, batch)");
                }
            }
        }

        return new ZeroMqAddress(address, type, endpoints)
        {
            Subscriptions = subscriptions,
            SendHighWatermark = sndhwm,
            ReceiveHighWatermark = rcvhwm,
            Linger = linger,
            CloseLinger = closeLinger,
            Identity = identity,
            Batch = batch,
        };
    }

    /// <summary>Parses a socket type name (pair, dealer, router, push, pull, pub, sub, xpub, xsub, req, rep).</summary>
    /// <exception cref="FormatException">The name is unknown.</exception>
    public static ZeroMqSocketType ParseType(string context, string name) => name.ToLowerInvariant() switch
    {
        "pair" => ZeroMqSocketType.Pair,
        "dealer" => ZeroMqSocketType.Dealer,
        "router" => ZeroMqSocketType.Router,
        "push" => ZeroMqSocketType.Push,
        "pull" => ZeroMqSocketType.Pull,
        "pub" => ZeroMqSocketType.Pub,
        "sub" => ZeroMqSocketType.Sub,
        "xpub" => ZeroMqSocketType.XPub,
        "xsub" => ZeroMqSocketType.XSub,
        "req" => ZeroMqSocketType.Req,
        "rep" => ZeroMqSocketType.Rep,
        _ => throw Bad(context, $"unknown socket type '{name}' (known: pair, dealer, router, push, pull, pub, sub, xpub, xsub, req, rep)"),
    };

    /// <summary>Whether an endpoint without <c>@</c> or <c>&gt;</c> binds for <paramref name="type"/> (NetMQ's
    /// defaults).</summary>
    public static bool DefaultBinds(ZeroMqSocketType type) =>
        type is ZeroMqSocketType.Pub or ZeroMqSocketType.XPub or ZeroMqSocketType.Router or ZeroMqSocketType.Rep or ZeroMqSocketType.Pull;

    /// <inheritdoc />
    public override string ToString() => Text;

    internal static FormatException Bad(string address, string why) => new($"bad ZeroMQ address '{address}': {why}");

    private static int Int(string address, string name, string value, int min)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < min)
        {
            throw Bad(address, $"option '{name}' needs an integer of at least {min}, not '{value}'");
        }

        return n;
    }
}
