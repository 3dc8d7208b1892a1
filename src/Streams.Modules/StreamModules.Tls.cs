using System.Security.Cryptography;
using Streams.Components;
using Streams.Modules.Tls;

namespace Streams.Modules;

public static partial class StreamModules
{
    static partial void AddTls(ComponentRegistry registry)
    {
        registry.Add(new ComponentDescriptor
        {
            Name = "tls",
            Summary = "TLS client or server over the modules below it (SslStream): certificates, SNI, client certificates, ALPN",
            Help = """
                usage: tls [--name HOST] [--ca FILE | --insecure] [--cert FILE [--key FILE]] [--alpn P1,P2]
                       tls --server --cert FILE [--key FILE] [--require-client-cert | --request-client-cert]
                           [--ca FILE] [--alpn P1,P2]

                Encrypts what goes down and decrypts what comes up. The handshake starts when the module is pushed
                and completes before any data passes: what the head writes earlier waits (with back-pressure) and
                is sent encrypted afterwards. A failed handshake fails the stream with "tls: handshake failed:"
                and the reason (untrusted certificate, wrong name, missing client certificate, timeout...).
                Completing the writes at the head sends a TLS close_notify; the peer's close_notify ends the reads.

                Bytes: plaintext above, TLS records below; message boundaries are not kept (push a framer above
                tls to keep them):
                  down  "hello"  ->  17 03 03 00 16 ... (one encrypted application_data record)
                  up    17 03 03 ... in any chunking  ->  "hello"

                The control tls.info answers, once the handshake is done, with the TLS version, cipher suite,
                ALPN protocol, server name and peer certificate.

                options:
                  --server                 be the server (default: client)
                  --cert FILE              our certificate: PEM (chain after it) or PKCS#12 (.pfx, .p12);
                                           required for a server, sent by a client when asked
                  --key FILE               the PEM private key of --cert (default: in the --cert file)
                  --name HOST              the server's name: sent as SNI and checked against its certificate
                                           (default: the host of a tcp:HOST:PORT driver)
                  --ca FILE                trust the CA certificates in FILE (PEM) instead of the system's
                  --insecure               accept any certificate and name (tests only)
                  --require-client-cert    (server) refuse clients without a trusted certificate
                  --request-client-cert    (server) ask for a client certificate but accept none
                  --alpn P1,P2             ALPN protocols, in order of preference (such as h2,http/1.1)
                  --timeout DURATION       the longest the handshake may take (default 30s)

                example: connect tcp:example.com:443 -m tls --alpn http/1.1
                         listen tcp:0.0.0.0:8443 -m 'tls --server --cert site.pem --key site.key' -- cat
                         connect tcp:127.0.0.1:8443 -m line -m 'tls --name localhost --ca ca.pem'
                """,
            Options =
            [
                new OptionSpec("server", OptionKind.Flag, "be the server (default: client)"),
                new OptionSpec("cert", OptionKind.Text, "our certificate: PEM or PKCS#12"),
                new OptionSpec("key", OptionKind.Text, "the PEM private key of --cert", "in the --cert file"),
                new OptionSpec("name", OptionKind.Text, "the server's name (SNI and certificate check)", "the host of a tcp: driver"),
                new OptionSpec("ca", OptionKind.Text, "trust the CA certificates in FILE instead of the system's"),
                new OptionSpec("insecure", OptionKind.Flag, "accept any certificate and name (tests only)"),
                new OptionSpec("require-client-cert", OptionKind.Flag, "(server) refuse clients without a trusted certificate"),
                new OptionSpec("request-client-cert", OptionKind.Flag, "(server) ask for a client certificate but accept none"),
                new OptionSpec("alpn", OptionKind.Text, "ALPN protocols, comma-separated, in order of preference") { Repeatable = true },
                new OptionSpec("timeout", OptionKind.Duration, "the longest the handshake may take", "30s"),
            ],
            CreateModule = a => BuildTls(a, () => new TlsModule(TlsOptionsFrom(a))),
            CreateCommand = _ => new TlsCommand(),
        });
    }

    private static TlsOptions TlsOptionsFrom(ComponentArguments a)
    {
        if (a.GetFlag("require-client-cert") && a.GetFlag("request-client-cert"))
        {
            throw new ArgumentException("give --require-client-cert or --request-client-cert, not both");
        }

        if (a.Positionals.Count > 0)
        {
            throw new ArgumentException($"unexpected argument '{a.Positionals[0]}'");
        }

        return new TlsOptions
        {
            Role = a.GetFlag("server") ? TlsRole.Server : TlsRole.Client,
            CertificatePath = a.GetText("cert"),
            KeyPath = a.GetText("key"),
            ServerName = a.GetText("name"),
            TrustPath = a.GetText("ca"),
            SkipVerification = a.GetFlag("insecure"),
            ClientCertificate = a.GetFlag("require-client-cert") ? TlsClientCertificateMode.Required
                : a.GetFlag("request-client-cert") ? TlsClientCertificateMode.Optional
                : TlsClientCertificateMode.None,
            ApplicationProtocols = a.GetAll("alpn").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
            HandshakeTimeout = a.GetDuration("timeout", TlsOptions.DefaultHandshakeTimeout),
        };
    }

    // Bad options and unreadable certificate files become argument errors naming the component.
    private static StreamModule BuildTls(ComponentArguments arguments, Func<StreamModule> create)
    {
        try
        {
            return create();
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw ArgumentError(arguments, ex);
        }
    }
}
