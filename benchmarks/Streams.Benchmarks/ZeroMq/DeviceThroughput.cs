using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetMQ;
using NetMQ.Sockets;
using Streams.Transports.ZeroMq.Devices;

namespace Streams.Benchmarks.ZeroMq;

/// <summary>One measured device run.</summary>
/// <param name="Device">streamer or forwarder.</param>
/// <param name="Implementation">streams (ZeroMqDevice), streams+module (ZeroMqDevice with a pass-through module
/// on the frontend leg: the slow path), netmq-proxy (NetMQ's Proxy) or libzmq (pyzmq's zmq.proxy).</param>
/// <param name="MessagesPerSecond">Delivered messages per second, first to last received at the consumer.</param>
/// <param name="Delivered">Messages the consumer received.</param>
public sealed record DeviceThroughputResult(string Device, string Implementation, double MessagesPerSecond, long Delivered);

/// <summary>Side-by-side throughput of the streamer (PULL → PUSH) and forwarder (XSUB → XPUB) devices over
/// loopback TCP: our <see cref="ZeroMqDevice"/>, NetMQ's <c>Proxy</c> and libzmq's <c>zmq_proxy</c> (through
/// Debian's python3-zmq), with the same producer and consumer for all three.</summary>
/// <remarks>
/// <para>Peers: by default a libzmq producer and a libzmq consumer, each in its own python3 process, so that
/// every device runs in a process of its own with its own I/O thread (as the libzmq proxy does). With
/// <c>externalPeers: false</c> the producer and consumer are NetMQ sockets in this process: NetMQ's single I/O
/// thread then serves the peers and the in-process devices together, which halves the in-process devices'
/// throughput and flatters the out-of-process libzmq proxy.</para>
/// <para>Each case runs <c>rounds</c> times; the median is reported. Python cases are skipped when
/// <c>/usr/bin/python3</c> cannot import zmq.</para>
/// </remarks>
public static class DeviceThroughput
{
    private const string PythonProxy = """
import sys, zmq
ctx = zmq.Context()
kind, front, back, hwm = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
f = ctx.socket(zmq.PULL if kind == "streamer" else zmq.XSUB)
b = ctx.socket(zmq.PUSH if kind == "streamer" else zmq.XPUB)
for s in (f, b):
    s.setsockopt(zmq.SNDHWM, hwm); s.setsockopt(zmq.RCVHWM, hwm); s.setsockopt(zmq.LINGER, 0)
f.bind(front); b.bind(back)
print("READY", flush=True)
zmq.proxy(f, b)
""";

    private const string PythonPeer = """
import sys, time, zmq
ctx = zmq.Context()
role, kind, endpoint, n, size, hwm = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
if role == "produce":
    s = ctx.socket(zmq.PUSH if kind == "streamer" else zmq.XPUB)
    s.setsockopt(zmq.SNDHWM, hwm); s.setsockopt(zmq.LINGER, 5000)
    s.connect(endpoint)
    print("READY", flush=True)
    if kind != "streamer":
        s.recv()  # the subscription, through the device
    body = b"x" * size
    for i in range(n):
        s.send(body)
    print("SENT", flush=True)
    time.sleep(1)
else:
    s = ctx.socket(zmq.PULL if kind == "streamer" else zmq.SUB)
    s.setsockopt(zmq.RCVHWM, hwm); s.setsockopt(zmq.LINGER, 0)
    if kind != "streamer":
        s.setsockopt(zmq.SUBSCRIBE, b"")
    s.connect(endpoint)
    print("READY", flush=True)
    s.recv()
    t0 = time.perf_counter(); t1 = t0; got = 1
    s.setsockopt(zmq.RCVTIMEO, 3000)
    try:
        while got < n:
            s.recv(copy=False); got += 1
        t1 = time.perf_counter()
    except zmq.Again:
        t1 = time.perf_counter() - 3
    print("%d %.6f" % (got, t1 - t0), flush=True)
""";

    private static readonly Lazy<bool> Python = new(PythonAvailable);

    /// <summary>Runs every case and returns the medians (also written to <paramref name="log"/>).</summary>
    /// <param name="messages">Messages per run (default 300 000).</param>
    /// <param name="size">Message size in bytes (default 100).</param>
    /// <param name="rounds">Runs per case (default 3).</param>
    /// <param name="log">Where progress and results go (default: none).</param>
    /// <param name="externalPeers">Producer and consumer in python3 processes (default) or NetMQ in-process.</param>
    public static IReadOnlyList<DeviceThroughputResult> Run(int messages = 300_000, int size = 100, int rounds = 3, TextWriter? log = null, bool externalPeers = true)
    {
        var results = new List<DeviceThroughputResult>();
        bool python = Python.Value;
        externalPeers &= python;
        log?.WriteLine($"peers: {(externalPeers ? "pyzmq processes" : "NetMQ in-process")}, {messages} messages of {size} bytes, {rounds} rounds");
        foreach (string device in new[] { "streamer", "forwarder" })
        {
            foreach (string impl in new[] { "streams", "streams-netmq", "streams+module", "netmq-proxy", "libzmq" })
            {
                if (impl == "libzmq" && !python)
                {
                    log?.WriteLine($"{device}/{impl}: skipped (python3-zmq missing)");
                    continue;
                }

                // One round first that is not counted: the first case of the process otherwise runs while the
                // runtime's tiering thread recompiles the harness (a whole vCPU for seconds, seen with top -H).
                RunOne(device, impl, messages, size, externalPeers);
                var runs = new List<(double Rate, long Delivered)>();
                for (int r = 0; r < rounds; r++)
                {
                    runs.Add(RunOne(device, impl, messages, size, externalPeers));
                    log?.WriteLine($"{device}/{impl} round {r + 1}: {runs[^1].Rate / 1e6:F3} M msg/s ({runs[^1].Delivered} delivered)");
                }

                runs.Sort((a, b) => a.Rate.CompareTo(b.Rate));
                (double rate, long delivered) = runs[runs.Count / 2];
                results.Add(new DeviceThroughputResult(device, impl, rate, delivered));
            }
        }

        if (log is not null)
        {
            log.WriteLine();
            log.WriteLine("| device | implementation | M msg/s | vs NetMQ Proxy | vs libzmq |");
            log.WriteLine("| --- | --- | --- | --- | --- |");
            foreach (DeviceThroughputResult r in results)
            {
                double netmq = results.FirstOrDefault(x => x.Device == r.Device && x.Implementation == "netmq-proxy")?.MessagesPerSecond ?? double.NaN;
                double libzmq = results.FirstOrDefault(x => x.Device == r.Device && x.Implementation == "libzmq")?.MessagesPerSecond ?? double.NaN;
                log.WriteLine($"| {r.Device} | {r.Implementation} | {r.MessagesPerSecond / 1e6:F3} | {r.MessagesPerSecond / netmq:F2}× | {r.MessagesPerSecond / libzmq:F2}× |");
            }
        }

        return results;
    }

    /// <summary>Runs one case once: returns the delivered rate and count.</summary>
    /// <param name="device">streamer or forwarder.</param>
    /// <param name="implementation">streams, netmq-proxy or libzmq.</param>
    /// <param name="messages">Messages to move.</param>
    /// <param name="size">Bytes a message.</param>
    /// <param name="externalPeers">Producer and consumer in python3 processes, or NetMQ in-process.</param>
    public static (double Rate, long Delivered) RunOne(string device, string implementation, int messages, int size, bool externalPeers = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        bool forwarder = device == "forwarder";
        externalPeers &= Python.Value;
        if (implementation == "libzmq" && !Python.Value)
        {
            return (0, 0);
        }


        // Forwarder: PUB drops at its HWM, so every socket on the path is unbounded (0) for a lossless count.
        int hwm = forwarder ? 0 : 1000;
        string front = $"tcp://127.0.0.1:{FreePort()}";
        string back = $"tcp://127.0.0.1:{FreePort()}";
        using IDisposable host = StartDevice(implementation, forwarder, front, back, hwm);
        return externalPeers ? PumpExternal(forwarder, front, back, messages, size, hwm) : Pump(forwarder, front, back, messages, size, hwm);
    }

    private static (double Rate, long Delivered) PumpExternal(bool forwarder, string front, string back, int messages, int size, int hwm)
    {
        using Process consumer = StartPython(PythonPeer, "consume", forwarder ? "forwarder" : "streamer", back, messages, size, hwm);
        using Process producer = StartPython(PythonPeer, "produce", forwarder ? "forwarder" : "streamer", front, messages, size, hwm);
        try
        {
            Task<string?> line = consumer.StandardOutput.ReadLineAsync();
            if (!line.Wait(TimeSpan.FromSeconds(120)) || line.Result is not { } result)
            {
                return (0, 0);
            }

            string[] parts = result.Split(' ');
            long got = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            double seconds = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            return (got > 1 && seconds > 0 ? (got - 1) / seconds : 0, got);
        }
        finally
        {
            foreach (Process p in new[] { producer, consumer })
            {
                try
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(2000);
                }
                catch (InvalidOperationException)
                {
                    // Exited.
                }
            }
        }
    }

    private static Process StartPython(string script, params object[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (object a in args)
        {
            psi.ArgumentList.Add(Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)!);
        }

        var process = Process.Start(psi)!;
        if (process.StandardOutput.ReadLine() != "READY")
        {
            process.Kill();
            throw new InvalidOperationException("a python3 peer did not start");
        }

        return process;
    }

    private static IDisposable StartDevice(string implementation, bool forwarder, string front, string back, int hwm)
    {
        switch (implementation)
        {
            case "streams" or "streams-netmq" or "streams+module":
                var device = new ZeroMqDevice(new ZeroMqDeviceOptions
                {
                    Kind = forwarder ? ZeroMqDeviceKind.Forwarder : ZeroMqDeviceKind.Streamer,
                    Frontend = "@" + front,
                    Backend = "@" + back,
                    HighWatermark = hwm,
                    FrontendModule = implementation == "streams+module" ? () => new PassModule() : null,
                    DirectTcp = implementation != "streams-netmq",
                });
                device.Start();
                return new Disposer(() => device.StopAsync().Wait(TimeSpan.FromSeconds(5)));
            case "netmq-proxy":
                NetMQSocket f = forwarder ? new XSubscriberSocket() : new PullSocket();
                NetMQSocket b = forwarder ? new XPublisherSocket() : new PushSocket();
                foreach (NetMQSocket s in new[] { f, b })
                {
                    s.Options.SendHighWatermark = hwm;
                    s.Options.ReceiveHighWatermark = hwm;
                    s.Options.Linger = TimeSpan.Zero;
                }

                f.Bind(front);
                b.Bind(back);
                var poller = new NetMQPoller { f, b };
                var proxy = new Proxy(f, b, null, poller);
                proxy.Start();
                poller.RunAsync("netmq proxy", true);
                return new Disposer(() =>
                {
                    proxy.Stop();
                    poller.Dispose();
                    f.Dispose();
                    b.Dispose();
                });
            default:
                Process process = StartPython(PythonProxy, forwarder ? "forwarder" : "streamer", front, back, hwm);
                return new Disposer(() =>
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(2000);
                    process.Dispose();
                });
        }
    }

    private static (double Rate, long Delivered) Pump(bool forwarder, string front, string back, int messages, int size, int hwm)
    {
        using NetMQSocket consumer = forwarder ? new SubscriberSocket() : new PullSocket();
        consumer.Options.ReceiveHighWatermark = hwm;
        consumer.Options.Linger = TimeSpan.Zero;
        if (consumer is SubscriberSocket sub)
        {
            sub.SubscribeToAnyTopic();
        }

        consumer.Connect(back);
        using NetMQSocket producer = forwarder ? new PublisherSocket() : new PushSocket();
        producer.Options.SendHighWatermark = hwm;
        producer.Options.Linger = TimeSpan.Zero;
        producer.Connect(front);

        if (forwarder)
        {
            // The subscription must reach the publisher through the device before the timed run: send probes
            // until one arrives.
            var probe = new Msg();
            probe.InitEmpty();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                producer.SendFrame("probe");
                if (consumer.TryReceive(ref probe, TimeSpan.FromMilliseconds(20)))
                {
                    break;
                }
            }

            while (consumer.TryReceive(ref probe, TimeSpan.FromMilliseconds(200)))
            {
            }

            probe.Close();
        }

        long delivered = 0;
        long firstTicks = 0, lastTicks = 0;
        var consumerThread = new Thread(() =>
        {
            var msg = new Msg();
            msg.InitEmpty();
            TimeSpan quiet = TimeSpan.FromSeconds(forwarder ? 1 : 5);
            while (delivered < messages && consumer.TryReceive(ref msg, quiet))
            {
                if (delivered == 0)
                {
                    firstTicks = Stopwatch.GetTimestamp();
                }

                delivered++;
                lastTicks = Stopwatch.GetTimestamp();
            }

            msg.Close();
        })
        { IsBackground = true, Name = "consumer" };
        consumerThread.Start();

        var m = new Msg();
        for (int i = 0; i < messages; i++)
        {
            m.InitPool(size);
            m.Slice().Fill((byte)'x');
            producer.Send(ref m, more: false);
        }

        m.Close();
        consumerThread.Join(TimeSpan.FromSeconds(60));
        double seconds = Stopwatch.GetElapsedTime(firstTicks, lastTicks).TotalSeconds;
        return (delivered > 1 && seconds > 0 ? (delivered - 1) / seconds : 0, delivered);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool PythonAvailable()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", "-c \"import zmq\"") { UseShellExecute = false, RedirectStandardError = true })!;
            return p.WaitForExit(10000) && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private sealed class PassModule() : StreamModule("pass");

    private sealed class Disposer(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
