using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Streams.Transports.Tests.Drivers;

/// <summary>Bounded helpers for the driver tests: every wait has a limit, every process is killed.</summary>
internal static class DriverTestSupport
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public static byte[] Pattern(int length)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)((i * 7) + (i >> 8));
        }

        return data;
    }

    public static async Task<string> ReadToEndAsync(Stream stream)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return Encoding.UTF8.GetString(memory.ToArray());
    }

    /// <summary>Reads every data byte up to the end of the stream.</summary>
    public static async Task<byte[]> ReadAllAsync(StreamHead head)
    {
        using var memory = new MemoryStream();
        using var cts = new CancellationTokenSource(Wait);
        while (await head.ReadAsync(cts.Token) is { } m)
        {
            memory.Write(m.Span);
            m.Release();
        }

        return memory.ToArray();
    }

    /// <summary>Reads until at least <paramref name="atLeast"/> bytes or the end.</summary>
    public static async Task<long> CountAsync(StreamHead head, long atLeast, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        long n = 0;
        while (n < atLeast && await head.ReadAsync(cts.Token) is { } m)
        {
            n += m.Length;
            m.Release();
        }

        return n;
    }

    public static async Task<long> CountToEndAsync(Stream stream, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        var buffer = new byte[64 * 1024];
        long n = 0;
        int r;
        while ((r = await stream.ReadAsync(buffer, cts.Token)) > 0)
        {
            n += r;
        }

        return n;
    }

    /// <summary>Polls <paramref name="value"/> until it stops changing for half a second (a stalled writer), at
    /// most <paramref name="limit"/>; returns the value it settled at.</summary>
    public static async Task<long> WaitUntilStableAsync(Func<long> value, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        long last = -1;
        int stable = 0;
        while (clock.Elapsed < limit)
        {
            await Task.Delay(50);
            long now = value();
            stable = now == last && now > 0 ? stable + 1 : 0;
            last = now;
            if (stable >= 10)
            {
                return now;
            }
        }

        return last;
    }

    public static async Task IgnoreAsync(Task task)
    {
        try
        {
            await task.WaitAsync(Wait);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    public static int FreeTcpPort(IPAddress? address = null) => TestPorts.Free(address ?? IPAddress.Loopback);

    public static string TempPath(string suffix)
    {
        string dir = Path.Combine(Path.GetTempPath(), "streams-drv-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, suffix);
    }

    public static FarEnd SocketFar(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        return new FarEnd(
            stream,
            () =>
            {
                socket.Shutdown(SocketShutdown.Send);
                return Task.CompletedTask;
            },
            () => stream.DisposeAsync());
    }
}

/// <summary>A peer program (socat, nc, cat …) with its stdio piped; killed and reaped on dispose.</summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private PeerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    public Stream Stdin => _process.StandardInput.BaseStream;

    public Stream Stdout => _process.StandardOutput.BaseStream;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static bool Exists(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Any(d => File.Exists(Path.Combine(d, program)));

    public static PeerProcess Start(string program, params string[] arguments)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        return new PeerProcess(Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}"));
    }

    public async Task<int> WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(DriverTestSupport.Wait);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Waits until something listens on a TCP port (the peer server is up).</summary>
    public static async Task WaitForTcpAsync(IPAddress address, int port)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(address, port));
                return;
            }
            catch (SocketException) when (clock.Elapsed < DriverTestSupport.Wait)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Waits until a path exists (a Unix socket or FIFO the peer made).</summary>
    public static async Task WaitForPathAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            if (clock.Elapsed > DriverTestSupport.Wait)
            {
                throw new TimeoutException($"{path} never appeared");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var cts = new CancellationTokenSource(DriverTestSupport.Wait);
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
        }

        _process.Dispose();
    }
}
