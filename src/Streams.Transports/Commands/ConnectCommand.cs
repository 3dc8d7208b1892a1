using System.IO.Pipelines;
using Streams.Components;
using Streams.Pipelines;
using Streams.Transports.Servers;

namespace Streams.Transports.Commands;

/// <summary>The <c>connect ADDRESS [-m MODULE]… [--raw]</c> command: stdin goes down a stream opened on
/// ADDRESS, what comes up goes to stdout (socat's <c>- ADDRESS</c>).</summary>
/// <remarks>
/// <para>Modules are listed from the head down: <c>-m line -m gzip</c> puts <c>line</c> above <c>gzip</c> above
/// the driver. At the end of stdin the stream's write side is completed (a half-close) and the command keeps
/// printing until the far end finishes; when the far end finishes first, the command stops reading stdin and
/// ends. Exit status 0 on a clean end, 1 with one line on stderr when the stream fails or cannot be opened, 2 for
/// bad arguments.</para>
/// <para>Bytes and messages: when the head side of the top module carries messages (a framer such as
/// <c>line</c>, see <see cref="ComponentDescriptor.MessagesAtHead"/>) or, without modules, the address is a
/// <c>zmq:</c> socket, one input line becomes one message (newline removed) and each message comes out as one
/// line; <c>--raw</c> carries bytes as they are.</para>
/// </remarks>
public sealed class ConnectCommand : PipelineStage
{
    /// <summary>The help text.</summary>
    public const string Help = """
        usage: connect ADDRESS [-m MODULE]... [--raw]

        Opens a stream on ADDRESS and joins it to the pipeline: stdin goes down the stream, what comes up
        goes to stdout (socat's '- ADDRESS'). At the end of stdin the stream is half-closed and connect
        keeps printing until the far end finishes; when the far end finishes first, connect ends.

          -m, --module MODULE   push MODULE (with its arguments, quoted as one word); listed from the head
                                down: -m line -m gzip writes line -> gzip -> the transport
          --raw                 carry bytes as they are; without it, when the top module carries messages
                                (line, length ...) or the address is zmq:, each input line is one message and
                                each message one output line

        ADDRESS is tcp:HOST:PORT, unix:PATH, pipe:NAME, stdio, fd:N, file:PATH (file:>PATH, file:>>PATH,
        file:<>PATH), fifo:PATH (fifo:>PATH), exec:COMMAND, zmq:TYPE:ENDPOINT or mem:NAME (see
        docs/transports.md). Exit status: 0 on a clean end, 1 when the stream fails, 2 for bad arguments.

        examples:
          echo hello | connect tcp:127.0.0.1:9000
          connect unix:/run/app.sock -m 'line --max 4K' < requests.txt
          seq 10 | connect 'exec:tr 0-9 a-j'
          seq 1000 | connect 'zmq:push:>tcp://127.0.0.1:5557'
        """;

    private readonly ComponentRegistry _registry;

    /// <summary>Creates the command; <paramref name="registry"/> creates the modules named with
    /// <c>-m</c>.</summary>
    public ConnectCommand(ComponentRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
    }

    /// <inheritdoc />
    public override string Name => "connect";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TryParse(context.Arguments, out string? address, out List<string> modules, out bool raw, out string? usage))
        {
            await context.WriteErrorLineAsync($"connect: {usage}").ConfigureAwait(false);
            return 2;
        }

        StreamHead head;
        bool lines;
        try
        {
            StreamAddress parsed = StreamAddress.Parse(address!);
            lines = !raw && (modules.Count > 0 ? TopCarriesMessages(modules[0]) : parsed.Scheme == AddressScheme.ZeroMq);
            var created = new List<StreamModule>(modules.Count);
            foreach (string line in modules)
            {
                created.Add(_registry.CreateModule(line));
            }

            var options = new StreamOptions { Components = _registry };
            if (parsed.Scheme != AddressScheme.Mem)
            {
                // The modules are in place before the driver reads: a server's first bytes go through them.
                StreamDriver driver = await Transport.CreateDriverAsync(parsed, options, context.CancellationToken).ConfigureAwait(false);
                head = StreamHead.Open(driver, created, options);
                created.Clear();
            }
            else
            {
                head = await Transport.OpenAsync(parsed, options, context.CancellationToken).ConfigureAwait(false);
            }

            try
            {
                // Each push goes directly under the head, so the module listed last is pushed first.
                for (int i = created.Count - 1; i >= 0; i--)
                {
                    await head.PushAsync(created[i], context.CancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                await head.AbortAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception ex) when (ex is FormatException or StreamException or ComponentArgumentException or NotSupportedException)
        {
            await context.WriteErrorLineAsync($"connect: {ex.Message}").ConfigureAwait(false);

            // A bad address or module is a usage error (2), as for listen and mount; a stream that fails is 1.
            return ex is ComponentArgumentException or FormatException ? 2 : 1;
        }

        return await RunAsync(context, head, lines).ConfigureAwait(false);
    }

    private static async Task<int> RunAsync(StageContext context, StreamHead head, bool lines)
    {
        using var stopInput = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        Task down = Task.Run(() => DownAsync(context.Input, head, lines, stopInput.Token));
        bool closed = false;
        try
        {
            await UpAsync(context.Output, head, lines, context.CancellationToken).ConfigureAwait(false);

            // The far end finished: stop reading stdin (it may be a terminal that never ends).
            await stopInput.CancelAsync().ConfigureAwait(false);
            await ObserveAsync(down).ConfigureAwait(false);
            await head.CloseAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            closed = true;
            if (head.Error is { } error)
            {
                throw error;
            }

            return 0;
        }
        catch (StreamException ex)
        {
            await context.WriteErrorLineAsync($"connect: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (BrokenPipeException)
        {
            // The stage after us stopped reading: end quietly, as SIGPIPE would.
            return 0;
        }
        finally
        {
            await stopInput.CancelAsync().ConfigureAwait(false);
            if (!closed)
            {
                await head.AbortAsync().ConfigureAwait(false);
            }

            await ObserveAsync(down).ConfigureAwait(false);
        }
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or StreamException or InvalidOperationException or IOException)
        {
            // The writer stopped because the stream ended; the read side says how.
        }
    }

    // The line ↔ message rule is StreamBridge's, shared with listen and mount.
    private static Task UpAsync(PipeWriter output, StreamHead head, bool lines, CancellationToken cancellationToken)
        => StreamBridge.CopyUpAsync(head, output, lines, cancellationToken);

    private static Task DownAsync(PipeReader input, StreamHead head, bool lines, CancellationToken cancellationToken)
        => StreamBridge.CopyDownAsync(input, head, lines, cancellationToken);

    private bool TopCarriesMessages(string moduleLine)
    {
        IReadOnlyList<string> words = ComponentRegistry.SplitWords(moduleLine);
        return words.Count > 0 && _registry.TryGet(words[0], out ComponentDescriptor descriptor, out _) && descriptor.MessagesAtHead;
    }

    private static bool TryParse(IReadOnlyList<string> args, out string? address, out List<string> modules, out bool raw, out string? error)
    {
        address = null;
        modules = [];
        raw = false;
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            switch (a)
            {
                case "-m" or "--module":
                    if (i + 1 >= args.Count)
                    {
                        error = $"option '{a}' needs a module (usage: connect ADDRESS [-m MODULE]... [--raw])";
                        return false;
                    }

                    modules.Add(args[++i]);
                    break;
                case "--raw":
                    raw = true;
                    break;
                default:
                    if (a.StartsWith("--module=", StringComparison.Ordinal))
                    {
                        modules.Add(a["--module=".Length..]);
                    }
                    else if (a.StartsWith('-') && a.Length > 1)
                    {
                        error = $"unknown option '{a}' (usage: connect ADDRESS [-m MODULE]... [--raw])";
                        return false;
                    }
                    else if (address is null)
                    {
                        address = a;
                    }
                    else
                    {
                        error = $"one address only, got '{address}' and '{a}' (quote an exec: command as one word)";
                        return false;
                    }

                    break;
            }
        }

        if (address is null)
        {
            error = "needs an ADDRESS (usage: connect ADDRESS [-m MODULE]... [--raw])";
            return false;
        }

        return true;
    }
}
