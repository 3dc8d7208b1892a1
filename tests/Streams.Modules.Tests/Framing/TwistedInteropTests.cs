using System.Diagnostics;
using System.Text;
using Streams.Modules.Framing;
using Streams.Testing;

namespace Streams.Modules.Tests.Framing;

/// <summary>Interop with a real peer nobody here wrote: Twisted's <c>Int32StringReceiver</c> and
/// <c>NetstringReceiver</c> (Debian's python3-twisted, installed by scripts/install-peers.sh), driven through a
/// fake transport by a small python3 script over stdin and stdout.</summary>
public sealed class TwistedInteropTests
{
    private const string Python = "/usr/bin/python3";

    // encode: hex strings on stdin (one per line, "-" for empty) → sendString each → raw bytes on stdout.
    // decode: raw bytes on stdin → dataReceived in random chunks → one hex string per line ("-" for empty), and
    //         "LOST" when the receiver dropped the connection (bad input).
    private const string Script = """
        import random, sys
        from twisted.internet.testing import StringTransport
        from twisted.protocols import basic
        mode, proto = sys.argv[1], sys.argv[2]
        base = {"int32": basic.Int32StringReceiver, "netstring": basic.NetstringReceiver}[proto]
        out = []
        class Receiver(base):
            def stringReceived(self, s):
                out.append(s.hex() or "-")
        r = Receiver()
        t = StringTransport()
        r.makeConnection(t)
        if mode == "encode":
            for word in sys.stdin.read().split():
                r.sendString(b"" if word == "-" else bytes.fromhex(word))
            sys.stdout.buffer.write(t.value())
        else:
            data = sys.stdin.buffer.read()
            rnd = random.Random(int(sys.argv[3]))
            i = 0
            while i < len(data) and not t.disconnecting:
                n = rnd.randint(1, 40)
                r.dataReceived(data[i:i + n])
                i += n
            sys.stdout.write("\n".join(out) + "\n")
            if t.disconnecting:
                sys.stdout.write("LOST\n")
        """;

    public static TheoryData<string> Protocols => ["int32", "netstring"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task TwistedSendString_DecodedByOurModule_SameMessages(string protocol)
    {
        List<byte[]> messages = RandomMessages(new Random(31));
        string input = string.Join('\n', messages.Select(m => m.Length == 0 ? "-" : Convert.ToHexString(m)));
        byte[] wire = await RunAsync(["encode", protocol], Encoding.ASCII.GetBytes(input));

        await using var s = new EmbeddedStream(Create(protocol));
        var got = new List<byte[]>();
        foreach (ArraySegment<byte> chunk in DecoderProperties.Chunk(new Random(32), wire))
        {
            s.WriteUp(chunk);
            got.AddRange(s.ReadAllUp());
        }

        Assert.Equal(messages, got);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task OurModuleEncodes_TwistedReceiverDecodes_SameMessages(string protocol)
    {
        List<byte[]> messages = RandomMessages(new Random(33));
        await using var s = new EmbeddedStream(Create(protocol));
        foreach (byte[] m in messages)
        {
            s.WriteDown(m);
        }

        byte[] output = await RunAsync(["decode", protocol, "34"], s.ReadAllDownBytes());
        string[] lines = Encoding.ASCII.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("LOST", lines);
        Assert.Equal(messages, lines.Select(l => l == "-" ? [] : Convert.FromHexString(l)));
    }

    [Fact]
    public async Task TwistedNetstringReceiver_RejectsWhatOurDecoderRejects()
    {
        // Both ends refuse a leading zero (djb's spec); our decoder names the offset.
        byte[] bad = "3:abc,05:hello,"u8.ToArray();
        byte[] output = await RunAsync(["decode", "netstring", "1"], bad);
        Assert.Contains("LOST", Encoding.ASCII.GetString(output), StringComparison.Ordinal);

        await using var s = new EmbeddedStream(new NetstringModule());
        s.WriteUp(bad);
        StreamException ex = Assert.Throws<StreamException>(() => s.ReadAllUp());
        Assert.Equal("netstring", ex.Component);
        Assert.Contains("offset 6", ex.Message, StringComparison.Ordinal);
    }

    private static StreamModule Create(string protocol) => protocol == "int32" ? new LengthModule() : new NetstringModule();

    private static List<byte[]> RandomMessages(Random rng)
    {
        var list = new List<byte[]> { Array.Empty<byte>(), "hello"u8.ToArray() };
        for (int i = 0; i < 60; i++)
        {
            list.Add(DecoderProperties.RandomBytes(rng, rng.Next(6) == 0 ? 5000 : 40));
        }

        return list;
    }

    private static async Task<byte[]> RunAsync(string[] arguments, byte[] input)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: run scripts/install-peers.sh (python3-twisted)");
        string script = Path.Combine(Path.GetTempPath(), $"streams-twisted-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, Script);
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            return await RunScriptAsync(start, input);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static async Task<byte[]> RunScriptAsync(ProcessStartInfo start, byte[] input)
    {
        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var stdout = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        await process.StandardInput.BaseStream.WriteAsync(input);
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        await copy;
        Assert.True(process.ExitCode == 0, $"python3 failed ({process.ExitCode}): {await stderr}");
        return stdout.ToArray();
    }
}
