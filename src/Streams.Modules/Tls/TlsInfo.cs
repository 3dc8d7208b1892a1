using System.Net.Security;
using System.Security.Authentication;

namespace Streams.Modules.Tls;

/// <summary>What a completed TLS handshake negotiated: the answer of the <c>tls.info</c> control of
/// <see cref="TlsModule"/>.</summary>
/// <param name="IsServer">Whether this end was the server.</param>
/// <param name="Protocol">The TLS version, such as <see cref="SslProtocols.Tls13"/>.</param>
/// <param name="CipherSuite">The cipher suite, such as <c>TLS_AES_256_GCM_SHA384</c>.</param>
/// <param name="ApplicationProtocol">The ALPN protocol agreed on, or null when none was.</param>
/// <param name="ServerName">The server name: the one a client asked for, or the SNI a server received
/// (empty when none was sent).</param>
/// <param name="PeerCertificate">The subject of the peer's certificate, or null when it sent none.</param>
public sealed record TlsInfo(bool IsServer, SslProtocols Protocol, TlsCipherSuite CipherSuite, string? ApplicationProtocol, string ServerName, string? PeerCertificate)
{
    /// <summary>One line, such as <c>TLS 1.3 TLS_AES_256_GCM_SHA384 alpn=h2 peer="CN=example.com"</c>.</summary>
    public override string ToString()
    {
        string version = Protocol switch
        {
            SslProtocols.Tls13 => "TLS 1.3",
            SslProtocols.Tls12 => "TLS 1.2",
            _ => Protocol.ToString(),
        };
        return $"{version} {CipherSuite} alpn={ApplicationProtocol ?? "-"} name={(ServerName.Length > 0 ? ServerName : "-")} peer={(PeerCertificate is null ? "-" : $"\"{PeerCertificate}\"")}";
    }

    internal static TlsInfo From(SslStream ssl) => new(
        ssl.IsServer,
        ssl.SslProtocol,
        ssl.NegotiatedCipherSuite,
        ssl.NegotiatedApplicationProtocol.Protocol.IsEmpty ? null : ssl.NegotiatedApplicationProtocol.ToString(),
        ssl.TargetHostName ?? string.Empty,
        ssl.RemoteCertificate?.Subject);
}
