namespace Streams.Transports.ZeroMq;

/// <summary>One endpoint of a ZeroMQ socket and whether the socket binds or connects it.</summary>
/// <param name="Address">The ZeroMQ endpoint, such as <c>tcp://127.0.0.1:5557</c>.</param>
/// <param name="Bind">True to bind, false to connect.</param>
public sealed record ZeroMqEndpoint(string Address, bool Bind)
{
    /// <summary>Parses <c>@ENDPOINT</c> (bind), <c>&gt;ENDPOINT</c> (connect) or a bare endpoint (then
    /// <paramref name="defaultBind"/> decides).</summary>
    /// <exception cref="FormatException">The endpoint is empty or has no transport (<c>tcp://</c> …).</exception>
    public static ZeroMqEndpoint Parse(string text, bool defaultBind, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        bool bind = defaultBind;
        if (t.StartsWith('@'))
        {
            bind = true;
            t = t[1..];
        }
        else if (t.StartsWith('>'))
        {
            bind = false;
            t = t[1..];
        }

        int sep = t.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0 || sep + 3 >= t.Length)
        {
            throw ZeroMqAddress.Bad(context ?? text, $"bad endpoint '{text}' (expected [@|>]TRANSPORT://ADDRESS, such as @tcp://127.0.0.1:5557)");
        }

        string transport = t[..sep].ToLowerInvariant();
        if (transport is not ("tcp" or "ipc" or "inproc" or "pgm" or "epgm"))
        {
            throw ZeroMqAddress.Bad(context ?? text, $"unknown transport '{transport}' in endpoint '{text}' (known: tcp, ipc, inproc, pgm, epgm)");
        }

        return new ZeroMqEndpoint(t, bind);
    }

    /// <inheritdoc />
    public override string ToString() => (Bind ? "@" : ">") + Address;
}
