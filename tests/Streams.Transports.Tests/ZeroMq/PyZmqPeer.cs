using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Streams.Transports.Tests.ZeroMq;

/// <summary>A libzmq peer: a pyzmq script run by /usr/bin/python3 (Debian's python3-zmq). Killed on dispose.</summary>
internal sealed class PyZmqPeer : IDisposable
{
    private static readonly Lazy<string> ScriptPath = new(() =>
    {
        // One file per script version, shared by test runs: written once, atomically.
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Script)))[..16];
        string path = Path.Combine(Path.GetTempPath(), $"streams-zmqpeer-{hash}.py");
        if (!File.Exists(path))
        {
            string temp = path + "." + Environment.ProcessId;
            File.WriteAllText(temp, Script);
            File.Move(temp, path, overwrite: true);
        }

        return path;
    });

    private readonly Process _process;
    private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();

    private PyZmqPeer(string role, string endpoint, int count, string? arg)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ScriptPath.Value);
        psi.ArgumentList.Add(role);
        psi.ArgumentList.Add(endpoint);
        psi.ArgumentList.Add(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (arg is not null)
        {
            psi.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Whether python3 with pyzmq is installed.</summary>
    public static bool Available { get; } = File.Exists("/usr/bin/python3") && Check();

    /// <summary>Starts the peer and waits until it has bound or connected.</summary>
    public static async Task<PyZmqPeer> StartAsync(string role, string endpoint, int count, string? arg = null)
    {
        var peer = new PyZmqPeer(role, endpoint, count, arg);
        try
        {
            string first = await peer.ReadLineAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("READY", first);
        }
        catch
        {
            peer.Dispose();
            throw;
        }

        return peer;
    }

    /// <summary>A free TCP port on 127.0.0.1 (<see cref="TestPorts.Free"/>).</summary>
    public static int FreePort() => TestPorts.Free(IPAddress.Loopback);

    /// <summary>A fresh <c>tcp://127.0.0.1:PORT</c>.</summary>
    public static string FreeEndpoint() => $"tcp://127.0.0.1:{FreePort()}";

    /// <summary>Reads the next line the peer printed.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _lines.Reader.ReadAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            string err;
            lock (_stderr)
            {
                err = _stderr.ToString();
            }

            throw new TimeoutException($"the pyzmq peer printed nothing more within {timeout}; stderr: {err}");
        }
    }

    /// <summary>Reads <paramref name="count"/> lines.</summary>
    public async Task<List<string>> ReadLinesAsync(int count, TimeSpan timeout)
    {
        var lines = new List<string>();
        DateTime end = DateTime.UtcNow + timeout;
        while (lines.Count < count)
        {
            TimeSpan left = end - DateTime.UtcNow;
            lines.Add(await ReadLineAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)));
        }

        return lines;
    }

    /// <summary>Waits until the peer's process has ended by itself.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static bool Check()
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

    private const string Script = """"
#!/usr/bin/python3
"""A libzmq peer for the interop tests (pyzmq). Usage: zmqpeer.py ROLE ENDPOINT COUNT [ARG]

ENDPOINT: @tcp://... binds, >tcp://... connects. Prints READY once attached, then one line per received
message: frames joined by '|', each frame as text (0x and hex when it holds a byte that is not printable ASCII, or a '|'). Exits after COUNT messages (or a 20 s safety timeout).
"""
import sys, time, zmq

role, endpoint, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
arg = sys.argv[4] if len(sys.argv) > 4 else ""
ctx = zmq.Context()
types = dict(push=zmq.PUSH, pull=zmq.PULL, pub=zmq.PUB, sub=zmq.SUB, req=zmq.REQ, rep=zmq.REP,
             dealer=zmq.DEALER, router=zmq.ROUTER, pair=zmq.PAIR, xpub=zmq.XPUB, xsub=zmq.XSUB, control=zmq.REQ, push100=zmq.PUSH,
             pubwait=zmq.PUB, stall=zmq.PULL, pushparts=zmq.PUSH, pullparts=zmq.PULL, pubtopics=zmq.XPUB, xsubsend=zmq.XSUB)
s = ctx.socket(types[role])
# A sender keeps its messages until they are delivered, however long connecting takes on a loaded machine (with
# a 2 s linger they were dropped when the connection came later: a lost-message flake); the test kills it.
s.setsockopt(zmq.LINGER, -1 if role in ("push", "push100", "pushparts") else 2000)
if role == "sub":
    s.setsockopt_string(zmq.SUBSCRIBE, arg)
if role == "dealer" and arg:
    s.setsockopt_string(zmq.IDENTITY, arg)
for ep in endpoint.split(","):
    if ep.startswith("@"):
        s.bind(ep[1:])
    else:
        s.connect(ep.lstrip(">"))
print("READY", flush=True)
deadline = time.time() + 20
s.setsockopt(zmq.RCVTIMEO, 20000)

def text(f):
    # A frame that could break the line or the separators (a routing id is random bytes) is shown in hex.
    return f.decode("latin-1") if all(32 <= b < 127 and b != 124 for b in f) else "0x" + f.hex()

def show(frames):
    print("|".join(text(f) for f in frames), flush=True)

if role == "push":
    for i in range(count):
        s.send_string(("%s-%d" % (arg, i)) if arg else ("msg-%d" % i))
elif role == "pushparts":
    # Three frames: a tag, the number, and 0 to 299 000 bytes of "y" (short and long frames, some larger than
    # a read buffer).
    for i in range(count):
        s.send_multipart([arg.encode(), b"%d" % i, b"y" * (1000 * (i % 300))])
elif role == "pullparts":
    for i in range(count):
        m = s.recv_multipart()
        ok = len(m) == 3 and m[2] == b"y" * len(m[2])
        show([m[0], m[1], b"%d" % len(m[2]) if ok else b"BAD"])
elif role == "xsubsend":
    # Sends the subscription messages of ARG: "+A" subscribes to A, "-A" unsubscribes, comma-separated.
    time.sleep(0.3)
    for item in arg.split(","):
        s.send((b"\x01" if item[0] == "+" else b"\x00") + item[1:].encode())
        time.sleep(0.05)
    time.sleep(count / 1000.0)
elif role == "pubtopics":
    # XPUB: waits for one subscription per topic in ARG (comma-separated), then publishes COUNT per topic.
    topics = arg.split(",")
    for t in topics:
        m = s.recv()
        print(("SUB " if m[:1] == b"\x01" else "UNSUB ") + m[1:].decode("latin-1"), flush=True)
    for i in range(count):
        for t in topics:
            s.send_multipart([t.encode(), b"%d" % i])
elif role == "push100":
    body = b"x" * 90
    for i in range(count):
        s.send(b"%09d|" % i + body)
elif role == "pub":
    # Publishes until COUNT messages were sent after the first subscriber could have joined: sends continuously
    # (slow joiner), numbered, for at most 10 s or COUNT*10 messages.
    i = 0
    while i < count and time.time() < deadline:
        s.send_multipart([arg.encode(), b"%d" % i]) if arg else s.send_string("%d" % i)
        i += 1
        time.sleep(0.001)
elif role == "pubwait":
    # XPUB-style: wait for one subscription to arrive through a forwarder, then publish COUNT messages.
    x = ctx.socket(zmq.XPUB)
    s.close()
    s = x
    for ep in endpoint.split(","):
        if ep.startswith("@"): s.bind(ep[1:])
        else: s.connect(ep.lstrip(">"))
    sub = s.recv()
    print("SUBSCRIBED " + sub[1:].decode("latin-1"), flush=True)
    for i in range(count):
        s.send_multipart([arg.encode(), b"%d" % i])
elif role in ("pull", "sub", "xsub"):
    for i in range(count):
        show(s.recv_multipart())
elif role == "rep":
    for i in range(count):
        m = s.recv_multipart()
        s.send_multipart([f.upper() for f in m])
elif role == "req":
    for i in range(count):
        s.send_string("req-%d" % i)
        show(s.recv_multipart())
elif role == "router":
    for i in range(count):
        m = s.recv_multipart()
        show(m[1:])
        s.send_multipart(m[:-1] + [m[-1].upper()])
elif role == "dealer":
    for i in range(count):
        s.send_multipart([b"", b"job-%d" % i])
    for i in range(count):
        show(s.recv_multipart())
elif role == "pair":
    for i in range(count):
        m = s.recv_multipart()
        s.send_multipart(m[:-1] + [m[-1].upper()])
elif role == "control":
    s.send_string(arg)
    m = s.recv_multipart()
    if arg == "STATISTICS":
        print(" ".join(str(int.from_bytes(f, "little")) for f in m), flush=True)
    else:
        show(m)
elif role == "stall":
    # Connected, never reads.
    time.sleep(20)
elif role == "xpub":
    # Receives COUNT subscription messages.
    for i in range(count):
        m = s.recv()
        print(("SUB " if m[:1] == b"\x01" else "UNSUB ") + m[1:].decode("latin-1"), flush=True)
print("DONE", flush=True)
time.sleep(0.3)
s.close()
ctx.term()
"""";
}
