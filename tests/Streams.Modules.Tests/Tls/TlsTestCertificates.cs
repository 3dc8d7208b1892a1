using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Streams.Modules.Tests.Tls;

/// <summary>Certificates made for the tests (CertificateRequest, ECDSA P-256) and written to PEM files in a temp
/// folder once per test run: a CA, a server certificate it signed (localhost, 127.0.0.1), a client certificate it
/// signed, and a self-signed server certificate.</summary>
public static class TlsTestCertificates
{
    private static readonly Lazy<Files> s_files = new(Create);

    /// <summary>The PEM files.</summary>
    public static Files Paths => s_files.Value;

    /// <summary>Where each PEM file is.</summary>
    public sealed record Files(string Folder, string Ca, string ServerCert, string ServerKey, string ClientCert, string ClientKey, string SelfSignedCert, string SelfSignedKey, string OtherCa);

    private static Files Create()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"streams-tls-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        DateTimeOffset from = DateTimeOffset.UtcNow.AddDays(-1);
        DateTimeOffset to = DateTimeOffset.UtcNow.AddDays(30);

        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Streams Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(from, to);

        string Write(string name, string pem)
        {
            string path = Path.Combine(folder, name);
            File.WriteAllText(path, pem);
            return path;
        }

        (string Cert, string Key) Leaf(string name, string subject, bool server, X509Certificate2? issuer)
        {
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
            if (server)
            {
                var san = new SubjectAlternativeNameBuilder();
                san.AddDnsName("localhost");
                san.AddIpAddress(IPAddress.Loopback);
                request.CertificateExtensions.Add(san.Build());
            }

            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            X509Certificate2 cert;
            if (issuer is null)
            {
                cert = request.CreateSelfSigned(from, to);
            }
            else
            {
                request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
                cert = request.Create(issuer, from, to, RandomNumberGenerator.GetBytes(12));
            }

            using (cert)
            {
                return (Write($"{name}.pem", cert.ExportCertificatePem() + "\n"), Write($"{name}.key", key.ExportPkcs8PrivateKeyPem() + "\n"));
            }
        }

        string caPath = Write("ca.pem", ca.ExportCertificatePem() + "\n");
        (string serverCert, string serverKey) = Leaf("server", "CN=localhost", server: true, ca);
        (string clientCert, string clientKey) = Leaf("client", "CN=streams-test-client", server: false, ca);
        (string selfCert, string selfKey) = Leaf("self", "CN=localhost", server: true, issuer: null);

        using ECDsa otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherRequest = new CertificateRequest("CN=Some Other CA", otherKey, HashAlgorithmName.SHA256);
        otherRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using X509Certificate2 other = otherRequest.CreateSelfSigned(from, to);
        string otherPath = Write("other-ca.pem", other.ExportCertificatePem() + "\n");

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return new Files(folder, caPath, serverCert, serverKey, clientCert, clientKey, selfCert, selfKey, otherPath);
    }
}
