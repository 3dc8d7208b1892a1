using System.Diagnostics;
using System.Text;

namespace Streams.Modules.Tests.Tls;

/// <summary>An <c>openssl</c> child process (Debian's openssl) with its output collected; waits are bounded and
/// disposing kills it if it is still running.</summary>
public sealed class OpenSslProcess : IAsyncDisposable
{
    public const string Program = "/usr/bin/openssl";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _stdout;
    private readonly Task _stderr;

    private OpenSslProcess(Process process)
    {
        _process = process;
        _stdout = PumpAsync(process.StandardOutput);
        _stderr = PumpAsync(process.StandardError);
    }

    public Process Process => _process;

    /// <summary>Everything it printed so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static OpenSslProcess Start(params string[] arguments)
    {
        Assert.True(File.Exists(Program), $"{Program} is missing: run scripts/install-peers.sh (openssl)");
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        return new OpenSslProcess(Process.Start(start)!);
    }

    /// <summary>Writes <paramref name="text"/> to its stdin.</summary>
    public async Task SendAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes its stdin.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits until its output satisfies <paramref name="done"/>.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> done, string what)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!done(Output))
        {
            if (_process.HasExited)
            {
                await Task.WhenAll(_stdout, _stderr).WaitAsync(Wait);
                if (done(Output))
                {
                    break;
                }

                throw new Xunit.Sdk.XunitException($"openssl exited ({_process.ExitCode}) before {what}:\n{Output}");
            }

            try
            {
                await Task.Delay(10, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"openssl: no {what} within {Wait.TotalSeconds} s:\n{Output}");
            }
        }

        return Output;
    }

    /// <summary>Waits for it to exit.</summary>
    public async Task WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(Wait);
        await _process.WaitForExitAsync(cts.Token);
        await Task.WhenAll(_stdout, _stderr).WaitAsync(Wait);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(Wait);
        _process.Dispose();
    }

    private async Task PumpAsync(StreamReader reader)
    {
        char[] buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            lock (_output)
            {
                _output.Append(buffer, 0, n);
            }
        }
    }
}
