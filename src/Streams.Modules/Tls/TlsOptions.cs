using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Streams.Modules.Tls;

/// <summary>Which end of the TLS handshake a <see cref="TlsModule"/> plays.</summary>
public enum TlsRole
{
    /// <summary>The client: sends the ClientHello, checks the server's certificate against
    /// <see cref="TlsOptions.ServerName"/>.</summary>
    Client,

    /// <summary>The server: presents <see cref="TlsOptions.CertificatePath"/> (or
    /// <see cref="TlsOptions.Certificate"/>) and may ask the client for one.</summary>
    Server,
}

/// <summary>Whether a TLS server asks the client for a certificate.</summary>
public enum TlsClientCertificateMode
{
    /// <summary>The server does not ask (the default).</summary>
    None,

    /// <summary>The server asks; a client without a certificate is accepted, one with a certificate that fails
    /// verification is refused.</summary>
    Optional,

    /// <summary>The server asks and refuses a client that sends none or one that fails verification.</summary>
    Required,
}

/// <summary>The options of <see cref="TlsModule"/>; validated by <see cref="Validate"/> when the module is
/// made.</summary>
/// <remarks>
/// <para><b>Certificates.</b> A server needs a certificate with its private key: <see cref="CertificatePath"/> as
/// PEM with <see cref="KeyPath"/> (or the key in the same PEM file), or a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>)
/// with <see cref="CertificatePassword"/>, or a loaded <see cref="Certificate"/>. Further certificates in a PEM or
/// PKCS#12 file are sent as the chain. A client presents a certificate the same way when the server asks.</para>
/// <para><b>Trust.</b> By default the peer's certificate must chain to the system's trusted roots and (for a
/// client) match <see cref="ServerName"/>. <see cref="TrustPath"/> replaces the system roots with the
/// certificates of one PEM (or DER) file, for private CAs and self-signed servers.
/// <see cref="SkipVerification"/> accepts any certificate: for tests only, never for production.</para>
/// </remarks>
public sealed record TlsOptions
{
    /// <summary>The default of <see cref="HandshakeTimeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Client (default) or server.</summary>
    public TlsRole Role { get; init; } = TlsRole.Client;

    /// <summary>The certificate file: PEM (one or more certificates, the first one ours) or PKCS#12
    /// (<c>.pfx</c>/<c>.p12</c>). Required for a server unless <see cref="Certificate"/> is set.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>The PEM file of the private key of <see cref="CertificatePath"/>; null when the key is in the
    /// certificate file itself.</summary>
    public string? KeyPath { get; init; }

    /// <summary>The password of a PKCS#12 <see cref="CertificatePath"/>, or null.</summary>
    public string? CertificatePassword { get; init; }

    /// <summary>A loaded certificate with its private key, used instead of <see cref="CertificatePath"/>.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The server's name. A client sends it (SNI, unless it is an IP address) and checks the server's
    /// certificate against it; when null, the host of a <c>tcp:HOST:PORT</c> driver is used. Ignored by a
    /// server.</summary>
    public string? ServerName { get; init; }

    /// <summary>Whether a server asks the client for a certificate. Default <see cref="TlsClientCertificateMode.None"/>.</summary>
    public TlsClientCertificateMode ClientCertificate { get; init; }

    /// <summary>A PEM (or DER) file of the certificates to trust as roots instead of the system's, or null.</summary>
    public string? TrustPath { get; init; }

    /// <summary>Accept any peer certificate (and, for a client, any name). For tests only. Default false.</summary>
    public bool SkipVerification { get; init; }

    /// <summary>The ALPN protocols offered (client) or accepted (server), in order of preference, such as
    /// <c>h2</c>, <c>http/1.1</c>. Empty (the default): no ALPN.</summary>
    public IReadOnlyList<string> ApplicationProtocols { get; init; } = [];

    /// <summary>How long the handshake may take before the stream fails. Default 30 s.</summary>
    public TimeSpan HandshakeTimeout
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), value, "the handshake timeout must be positive");
    } = DefaultHandshakeTimeout;

    /// <summary>The TLS versions allowed. Default <see cref="SslProtocols.None"/>: the system's choice (TLS 1.2
    /// and 1.3).</summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;

    /// <summary>Checks that the options fit together.</summary>
    /// <exception cref="ArgumentException">They do not; the message says which option is wrong.</exception>
    public void Validate()
    {
        if (Role == TlsRole.Server && Certificate is null && CertificatePath is null)
        {
            throw new ArgumentException("a server needs a certificate: --cert FILE [--key FILE]", nameof(CertificatePath));
        }

        if (KeyPath is not null && CertificatePath is null)
        {
            throw new ArgumentException("--key needs --cert", nameof(KeyPath));
        }

        if (Role == TlsRole.Client && ClientCertificate != TlsClientCertificateMode.None)
        {
            throw new ArgumentException("--require-client-cert and --request-client-cert are for a server (--server)", nameof(ClientCertificate));
        }

        if (Certificate is not null && !Certificate.HasPrivateKey)
        {
            throw new ArgumentException("the certificate has no private key", nameof(Certificate));
        }

        foreach (string protocol in ApplicationProtocols)
        {
            int bytes = Encoding.UTF8.GetByteCount(protocol ?? string.Empty);
            if (bytes is 0 or > 255)
            {
                throw new ArgumentException($"--alpn: '{protocol}' is not a protocol name (1 to 255 bytes)", nameof(ApplicationProtocols));
            }
        }
    }
}
