using System.Text;
using Streams.Components;
using Streams.Modules.Tls;
using Streams.Testing;

namespace Streams.Modules.Tests.Tls;

/// <summary>The <c>tls</c> component: options parsed from a module line, bad arguments and files reported naming
/// the component, and the refusal to run as a pipeline command.</summary>
public sealed class TlsComponentTests
{
    private static readonly ComponentRegistry Registry = new ComponentRegistry().AddStreamModules();
    private static TlsTestCertificates.Files Files => TlsTestCertificates.Paths;

    [Fact]
    public void ModuleLine_ServerWithEveryOption_BuildsTypedOptions()
    {
        var module = Assert.IsType<TlsModule>(Registry.CreateModule(
            $"tls --server --cert {Files.ServerCert} --key {Files.ServerKey} --ca {Files.Ca} --require-client-cert --alpn h2,http/1.1 --timeout 5s"));
        Assert.Equal("tls", module.Name);
        Assert.Equal(TlsRole.Server, module.Options.Role);
        Assert.Equal(TlsClientCertificateMode.Required, module.Options.ClientCertificate);
        Assert.Equal(["h2", "http/1.1"], module.Options.ApplicationProtocols);
        Assert.Equal(TimeSpan.FromSeconds(5), module.Options.HandshakeTimeout);
        Assert.Equal(Files.Ca, module.Options.TrustPath);
    }

    [Fact]
    public void ModuleLine_Client_DefaultsToVerifyingClientWithoutAlpn()
    {
        var module = Assert.IsType<TlsModule>(Registry.CreateModule("tls --name example.com --alpn h2 --alpn http/1.1"));
        Assert.Equal(TlsRole.Client, module.Options.Role);
        Assert.Equal("example.com", module.Options.ServerName);
        Assert.False(module.Options.SkipVerification);
        Assert.Equal(["h2", "http/1.1"], module.Options.ApplicationProtocols);
        Assert.Equal(TlsOptions.DefaultHandshakeTimeout, module.Options.HandshakeTimeout);
    }

    [Theory]
    [InlineData("tls --server", "a server needs a certificate")]
    [InlineData("tls --cert /nonexistent/cert.pem", "--cert /nonexistent/cert.pem:")]
    [InlineData("tls --ca /nonexistent/ca.pem", "--ca /nonexistent/ca.pem:")]
    [InlineData("tls --require-client-cert", "are for a server")]
    [InlineData("tls --timeout never", "--timeout")]
    [InlineData("tls --bogus", "unknown option '--bogus'")]
    public void ModuleLine_Bad_ArgumentErrorNamingTheComponent(string line, string expected)
    {
        ComponentArgumentException ex = Assert.Throws<ComponentArgumentException>(() => Registry.CreateModule(line));
        Assert.Equal("tls", ex.Component);
        Assert.StartsWith("tls: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModuleLine_KeyThatDoesNotMatchTheCertificate_ArgumentError()
    {
        ComponentArgumentException ex = Assert.Throws<ComponentArgumentException>(
            () => Registry.CreateModule($"tls --server --cert {Files.ServerCert} --key {Files.ClientKey}"));
        Assert.Contains("--cert", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModuleLine_CertificateWithKeyInTheSameFile_Loads()
    {
        string combined = Path.Combine(Files.Folder, "combined.pem");
        File.WriteAllText(combined, File.ReadAllText(Files.ServerCert) + File.ReadAllText(Files.ServerKey));
        Assert.IsType<TlsModule>(Registry.CreateModule($"tls --server --cert {combined}"));
    }

    [Fact]
    public async Task Command_InPipeline_RefusedWithAClearMessage()
    {
        CommandOutcome outcome = await StageHarness.RunAsync(Registry.CreateCommand("tls", []), [], Encoding.ASCII.GetBytes("x"));
        Assert.NotEqual(0, outcome.ExitStatus);
        Assert.Contains("tls: works only on a stream", outcome.ErrorText, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ListsEveryOption()
    {
        Assert.True(Registry.TryGet("tls", out ComponentDescriptor d, out _));
        foreach (OptionSpec option in d.Options)
        {
            Assert.Contains("--" + option.Name, d.Help, StringComparison.Ordinal);
        }
    }
}
