using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Streams.Transports;

/// <summary>A parsed stream address: the one syntax the library, the shell and configuration share.</summary>
/// <remarks>
/// <para>Syntax (<c>SCHEME:REST[?NAME=VALUE&amp;…]</c>):</para>
/// <list type="table">
/// <listheader><term>address</term><description>meaning</description></listheader>
/// <item><term><c>stdio</c></term><description>standard input and output of this process</description></item>
/// <item><term><c>fd:N</c></term><description>an inherited file descriptor N (read and write)</description></item>
/// <item><term><c>file:PATH</c>, <c>file:&gt;PATH</c>, <c>file:&gt;&gt;PATH</c>, <c>file:&lt;&gt;PATH</c></term>
/// <description>a file read (the default), written (created or truncated), appended to, or read and written, as
/// the shell's redirections</description></item>
/// <item><term><c>fifo:PATH</c>, <c>fifo:&gt;PATH</c></term><description>a POSIX named pipe (made with
/// <c>mkfifo</c>), read (the default) or written</description></item>
/// <item><term><c>unix:PATH</c></term><description>a Unix domain stream socket</description></item>
/// <item><term><c>pipe:NAME</c></term><description>a .NET named pipe</description></item>
/// <item><term><c>tcp:HOST:PORT</c></term><description>TCP; HOST is a name, an IPv4 address or an IPv6
/// address in brackets (<c>tcp:[::1]:9000</c>); for a server, an empty host or <c>*</c> is every interface and
/// port 0 an ephemeral port</description></item>
/// <item><term><c>exec:COMMAND</c></term><description>a child process's stdin and stdout; COMMAND is split into
/// words as the shell splits them (quotes, backslash), without a shell; no options are taken from it</description></item>
/// <item><term><c>zmq:TYPE:ENDPOINTS</c></term><description>a ZeroMQ socket (see the ZeroMQ transport)</description></item>
/// <item><term><c>mem:NAME</c></term><description>an in-process stream found by name</description></item>
/// </list>
/// <para>Options follow a <c>?</c> as <c>NAME=VALUE</c> pairs separated by <c>&amp;</c> (for example
/// <c>tcp:127.0.0.1:9000?nodelay=0</c> or <c>unix:/run/s.sock?mode=0660</c>); which names a driver takes is said
/// by the driver. <c>exec:</c> and <c>zmq:</c> addresses keep their whole text.</para>
/// </remarks>
public sealed class StreamAddress
{
    private static readonly Dictionary<string, AddressScheme> s_schemes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["stdio"] = AddressScheme.Stdio,
        ["fd"] = AddressScheme.Fd,
        ["file"] = AddressScheme.File,
        ["fifo"] = AddressScheme.Fifo,
        ["unix"] = AddressScheme.Unix,
        ["pipe"] = AddressScheme.Pipe,
        ["tcp"] = AddressScheme.Tcp,
        ["exec"] = AddressScheme.Exec,
        ["zmq"] = AddressScheme.ZeroMq,
        ["mem"] = AddressScheme.Mem,
    };

    private StreamAddress(string text, AddressScheme scheme)
    {
        Text = text;
        Scheme = scheme;
    }

    /// <summary>The address as written.</summary>
    public string Text { get; }

    /// <summary>The scheme.</summary>
    public AddressScheme Scheme { get; }

    /// <summary>The path (file, fifo, unix), the name (pipe, mem), the command line (exec) or the ZeroMQ part
    /// after <c>zmq:</c>; null for stdio, fd and tcp.</summary>
    public string? Path { get; private init; }

    /// <summary>The host of a tcp address, without brackets; empty for every interface.</summary>
    public string? Host { get; private init; }

    /// <summary>The port of a tcp address (0: ephemeral).</summary>
    public int Port { get; private init; }

    /// <summary>The descriptor of an fd address.</summary>
    public int Descriptor { get; private init; }

    /// <summary>How a file or fifo address is opened (<see cref="FileAccessMode.Read"/> for the other
    /// schemes).</summary>
    public FileAccessMode Mode { get; private init; } = FileAccessMode.Read;

    /// <summary>The options after <c>?</c>, by name (case-insensitive; the last of a repeated name).</summary>
    public IReadOnlyDictionary<string, string> Options { get; private init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">The address is malformed; the message says what is wrong and where.</exception>
    public static StreamAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out StreamAddress? address, out string? error) ? address : throw new FormatException(error);
    }

    /// <summary>Parses <paramref name="text"/>, or says in <paramref name="error"/> what is wrong with it.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out StreamAddress? address, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = null;
        string trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            error = "empty address (try tcp:HOST:PORT, unix:PATH, file:PATH, exec:COMMAND, zmq:TYPE:ENDPOINT)";
            return false;
        }

        int colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        string schemeText = colon < 0 ? trimmed : trimmed[..colon];
        if (!s_schemes.TryGetValue(schemeText, out AddressScheme scheme))
        {
            error = colon < 0
                ? $"'{trimmed}': not an address: it needs a scheme such as tcp:, unix:, file:, exec: or zmq:"
                : $"'{trimmed}': unknown scheme '{schemeText}:' (known: {string.Join(", ", s_schemes.Keys.Select(k => k + ":"))})";
            return false;
        }

        string rest = colon < 0 ? string.Empty : trimmed[(colon + 1)..];
        if (scheme is AddressScheme.Exec or AddressScheme.ZeroMq)
        {
            if (rest.Trim().Length == 0)
            {
                error = $"'{trimmed}': {schemeText}: needs {(scheme == AddressScheme.Exec ? "a command" : "TYPE:ENDPOINT")} after the colon";
                return false;
            }

            address = new StreamAddress(trimmed, scheme) { Path = rest };
            error = null;
            return true;
        }

        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            foreach (string pair in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                string name = eq < 0 ? pair : pair[..eq];
                if (name.Length == 0)
                {
                    error = $"'{trimmed}': option '{pair}' has no name";
                    return false;
                }

                options[name] = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            }

            rest = rest[..query];
        }

        error = null;
        switch (scheme)
        {
            case AddressScheme.Stdio:
                if (rest.Length != 0)
                {
                    error = $"'{trimmed}': stdio takes nothing after it";
                    return false;
                }

                address = new StreamAddress(trimmed, scheme) { Options = options };
                return true;
            case AddressScheme.Fd:
                if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int fd))
                {
                    error = $"'{trimmed}': fd: needs a descriptor number, such as fd:3";
                    return false;
                }

                address = new StreamAddress(trimmed, scheme) { Descriptor = fd, Options = options };
                return true;
            case AddressScheme.File or AddressScheme.Fifo:
                FileAccessMode mode = FileAccessMode.Read;
                if (rest.StartsWith("<>", StringComparison.Ordinal))
                {
                    (mode, rest) = (FileAccessMode.ReadWrite, rest[2..]);
                }
                else if (rest.StartsWith(">>", StringComparison.Ordinal))
                {
                    (mode, rest) = (FileAccessMode.Append, rest[2..]);
                }
                else if (rest.StartsWith('>'))
                {
                    (mode, rest) = (FileAccessMode.Write, rest[1..]);
                }
                else if (rest.StartsWith('<'))
                {
                    rest = rest[1..];
                }

                if (options.TryGetValue("mode", out string? named) && !TryParseMode(named, out mode))
                {
                    error = $"'{trimmed}': mode '{named}' is not read, write, append or readwrite";
                    return false;
                }

                return NeedsPath(trimmed, scheme, rest, options, mode, out address, out error);
            case AddressScheme.Unix or AddressScheme.Pipe or AddressScheme.Mem:
                return NeedsPath(trimmed, scheme, rest, options, FileAccessMode.Read, out address, out error);
            default:
                return TryParseTcp(trimmed, rest, options, out address, out error);
        }
    }

    /// <summary>The option <paramref name="name"/> as an integer, or <paramref name="fallback"/> when absent.</summary>
    /// <exception cref="FormatException">The option is present but not an integer.</exception>
    public int GetInt32(string name, int fallback)
    {
        if (!Options.TryGetValue(name, out string? value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new FormatException($"'{Text}': option {name}={value} is not a number");
    }

    /// <summary>The option <paramref name="name"/> as a flag (<c>1</c>, <c>true</c>, <c>yes</c>, or present
    /// without a value), or <paramref name="fallback"/> when absent.</summary>
    public bool GetFlag(string name, bool fallback) =>
        Options.TryGetValue(name, out string? value)
            ? value.Length == 0 || value is "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("yes", StringComparison.OrdinalIgnoreCase)
            : fallback;

    /// <inheritdoc />
    public override string ToString() => Text;

    private static bool TryParseMode(string text, out FileAccessMode mode)
    {
        switch (text.ToLowerInvariant())
        {
            case "read" or "r":
                mode = FileAccessMode.Read;
                return true;
            case "write" or "w":
                mode = FileAccessMode.Write;
                return true;
            case "append" or "a":
                mode = FileAccessMode.Append;
                return true;
            case "readwrite" or "rw":
                mode = FileAccessMode.ReadWrite;
                return true;
            default:
                mode = FileAccessMode.Read;
                return false;
        }
    }

    private static bool NeedsPath(string text, AddressScheme scheme, string path, Dictionary<string, string> options, FileAccessMode mode, out StreamAddress? address, out string? error)
    {
        if (path.Length == 0)
        {
            address = null;
            error = $"'{text}': {scheme.ToString().ToLowerInvariant()}: needs a {(scheme is AddressScheme.Pipe or AddressScheme.Mem ? "name" : "path")} after the colon";
            return false;
        }

        address = new StreamAddress(text, scheme) { Path = path, Mode = mode, Options = options };
        error = null;
        return true;
    }

    private static bool TryParseTcp(string text, string rest, Dictionary<string, string> options, out StreamAddress? address, out string? error)
    {
        address = null;
        string host;
        string portText;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':')
            {
                error = $"'{text}': an IPv6 address goes in brackets before the port, such as tcp:[::1]:9000";
                return false;
            }

            host = rest[1..close];
            portText = rest[(close + 2)..];
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            if (colon < 0)
            {
                error = $"'{text}': tcp: needs HOST:PORT, such as tcp:127.0.0.1:9000";
                return false;
            }

            host = rest[..colon];
            portText = rest[(colon + 1)..];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = $"'{text}': an IPv6 address goes in brackets, such as tcp:[::1]:9000";
                return false;
            }
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            error = $"'{text}': port '{portText}' is not a number from 0 to 65535";
            return false;
        }

        address = new StreamAddress(text, AddressScheme.Tcp) { Host = host == "*" ? string.Empty : host, Port = port, Options = options };
        error = null;
        return true;
    }
}
