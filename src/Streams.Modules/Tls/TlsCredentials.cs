using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Streams.Modules.Tls;

/// <summary>The certificate (with its chain) and the trusted roots of a <see cref="TlsModule"/>, loaded once
/// when the module is made so that a bad file is reported before the stream carries anything.</summary>
internal sealed class TlsCredentials
{
    private TlsCredentials(SslStreamCertificateContext? certificate, X509Certificate2Collection? trust)
    {
        Certificate = certificate;
        Trust = trust;
    }

    /// <summary>Our certificate with its chain, or null.</summary>
    public SslStreamCertificateContext? Certificate { get; }

    /// <summary>The roots to trust instead of the system's, or null.</summary>
    public X509Certificate2Collection? Trust { get; }

    /// <exception cref="ArgumentException">A file is missing or unreadable; the message names the option.</exception>
    public static TlsCredentials Load(TlsOptions options)
    {
        SslStreamCertificateContext? context = null;
        if (options.Certificate is { } given)
        {
            context = SslStreamCertificateContext.Create(given, null, offline: true);
        }
        else if (options.CertificatePath is { } path)
        {
            context = Guard("--cert", path, () => LoadCertificate(path, options.KeyPath, options.CertificatePassword));
        }

        X509Certificate2Collection? trust = null;
        if (options.TrustPath is { } ca)
        {
            trust = Guard("--ca", ca, () => LoadTrust(ca));
        }

        return new TlsCredentials(context, trust);
    }

    /// <summary>The chain policy that trusts only <see cref="Trust"/>, or null for the system's roots.</summary>
    public X509ChainPolicy? ChainPolicy()
    {
        if (Trust is null)
        {
            return null;
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.AddRange(Trust);
        return policy;
    }

    private static SslStreamCertificateContext LoadCertificate(string path, string? keyPath, string? password)
    {
        X509Certificate2 leaf;
        var chain = new X509Certificate2Collection();
        if (IsPkcs12(path))
        {
            X509Certificate2Collection all = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password);
            leaf = all.FirstOrDefault(c => c.HasPrivateKey) ?? throw new CryptographicException("no certificate with a private key in the file");
            chain.AddRange(all.Where(c => !ReferenceEquals(c, leaf)).ToArray());
        }
        else
        {
            leaf = X509Certificate2.CreateFromPemFile(path, keyPath);
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(path);
            chain.AddRange(all.Skip(1).ToArray());
            if (OperatingSystem.IsWindows())
            {
                // SChannel cannot use the ephemeral key of a PEM import: round-trip through PKCS#12.
                X509Certificate2 ephemeral = leaf;
                leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
                ephemeral.Dispose();
            }
        }

        return SslStreamCertificateContext.Create(leaf, chain, offline: true);
    }

    private static X509Certificate2Collection LoadTrust(string path)
    {
        var trust = new X509Certificate2Collection();
        string text = File.ReadAllText(path);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            trust.ImportFromPem(text);
        }
        else
        {
            trust.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }

        return trust.Count > 0 ? trust : throw new CryptographicException("no certificates in the file");
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static T Guard<T>(string option, string path, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ArgumentException($"{option} {path}: {ex.Message}", ex);
        }
    }
}
