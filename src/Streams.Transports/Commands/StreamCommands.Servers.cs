using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Streams.Components;
using Streams.Pipelines;
using Streams.Transports.Servers;

namespace Streams.Transports.Commands;

public static partial class StreamCommands
{
    static partial void AddServers(ComponentRegistry registry, PipelineRunner? runner)
    {
        registry.Add(new ComponentDescriptor
        {
            Name = "listen",
            Summary = "accept connections; each runs a pipeline with the connection as stdin and stdout",
            Help = ListenCommand.Help,
            CreateCommand = _ => new ListenCommand(registry, runner),
        });
        registry.Add(new ComponentDescriptor
        {
            Name = "mount",
            Summary = "mount a stream on a path (a unix socket, or FIFOs PATH.in and PATH.out)",
            Help = MountCommand.Help,
            CreateCommand = _ => new MountCommand(registry, runner),
        });
        registry.Add(new ComponentDescriptor
        {
            Name = "stack",
            Summary = "list the live streams of this shell with their modules and queue statistics",
            Help = StackCommand.Help,
            CreateCommand = _ => new StackCommand(),
        });
    }
}

/// <summary>The parsed arguments of <c>listen</c> and <c>mount</c>.</summary>
internal sealed class ServerCommandLine
{
    public string Target { get; private set; } = string.Empty;

    public List<string> Modules { get; } = [];

    public int MaxConnections { get; private set; } = 1024;

    public bool Raw { get; private set; }

    public bool Fifo { get; private set; }

    public UnixFileMode? Mode { get; private set; }

    public TimeSpan StopTimeout { get; private set; } = TimeSpan.FromSeconds(5);

    public string Pipeline { get; private set; } = string.Empty;

    /// <exception cref="FormatException">Bad arguments; the message says which.</exception>
    public static ServerCommandLine Parse(IReadOnlyList<string> args, bool mount)
    {
        var line = new ServerCommandLine();
        var positionals = new List<string>();
        bool sawPipeline = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"option '{a}' needs a value");
            switch (a)
            {
                case "-m" or "--module":
                    line.Modules.Add(Value());
                    break;
                case "--max-connections":
                    string n = Value();
                    line.MaxConnections = int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int max) && max > 0
                        ? max
                        : throw new FormatException($"--max-connections needs a positive number, not '{n}'");
                    break;
                case "--raw":
                    line.Raw = true;
                    break;
                case "--stop-timeout":
                    string t = Value();
                    line.StopTimeout = double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0
                        ? TimeSpan.FromSeconds(seconds)
                        : throw new FormatException($"--stop-timeout needs seconds, not '{t}'");
                    break;
                case "--fifo" when mount:
                    line.Fifo = true;
                    break;
                case "--mode" when mount:
                    string m = Value();
                    line.Mode = TryParseMode(m, out UnixFileMode mode) ? mode : throw new FormatException($"--mode needs an octal mode such as 0600, not '{m}'");
                    break;
                case "--":
                    line.Pipeline = string.Join(' ', args.Skip(i + 1));
                    sawPipeline = true;
                    i = args.Count;
                    break;
                default:
                    if (a.StartsWith('-') && a.Length > 1)
                    {
                        throw new FormatException($"unknown option '{a}'");
                    }

                    positionals.Add(a);
                    break;
            }
        }

        string what = mount ? "PATH" : "ADDRESS";
        if (positionals.Count != 1)
        {
            throw new FormatException(positionals.Count == 0 ? $"expected {what}" : $"expected one {what}, got {positionals.Count}: {string.Join(' ', positionals)} (is '--' missing before the pipeline?)");
        }

        if (!sawPipeline || line.Pipeline.Trim().Length == 0)
        {
            throw new FormatException("expected -- PIPELINE after the options (the command each connection runs, such as -- 'tr a-z A-Z')");
        }

        line.Target = positionals[0];
        return line;
    }

    private static bool TryParseMode(string text, out UnixFileMode mode)
    {
        mode = 0;
        if (text.Length is 0 or > 4)
        {
            return false;
        }

        int value = 0;
        foreach (char c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            value = (value * 8) + (c - '0');
        }

        mode = (UnixFileMode)value;
        return true;
    }
}

/// <summary>What <c>listen</c> and <c>mount</c> share: parse, start a server whose connections run the
/// pipeline, report failures on stderr, stop gracefully when cancelled.</summary>
internal abstract class ServerCommand : PipelineStage
{
    private readonly ComponentRegistry _registry;
    private readonly PipelineRunner? _runner;

    protected ServerCommand(ComponentRegistry registry, PipelineRunner? runner)
    {
        _registry = registry;
        _runner = runner;
    }

    protected abstract bool IsMount { get; }

    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var errors = new ErrorSink(context.Error);
        ServerCommandLine line;
        try
        {
            line = ServerCommandLine.Parse(context.Arguments, IsMount);
        }
        catch (FormatException ex)
        {
            await errors.WriteLineAsync($"{Name}: {ex.Message} (see help {Name})").ConfigureAwait(false);
            return 2;
        }

        if (_runner is not { } runner)
        {
            await errors.WriteLineAsync($"{Name}: no pipeline runner: connections need a shell to run their pipeline").ConfigureAwait(false);
            return 2;
        }

        bool lines = !line.Raw && MessagesAtHead(line.Modules);
        string pipeline = line.Pipeline;
        async Task HandleAsync(StreamHead stream, CancellationToken cancellationToken)
        {
            var stderr = new Pipe();
            Task pump = errors.PumpAsync(stderr.Reader);
            try
            {
                await StreamBridge.RunPipelineAsync(stream, runner, pipeline, lines, stderr.Writer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await stderr.Writer.CompleteAsync().ConfigureAwait(false);
                await pump.ConfigureAwait(false);
            }
        }

        StreamServer server;
        Func<TimeSpan, Task> stop;
        try
        {
            (server, stop) = await StartAsync(line, HandleAsync, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or IOException or ArgumentException or ComponentArgumentException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"{Name}: {ex.Message}").ConfigureAwait(false);
            return ex is ComponentArgumentException or FormatException ? 2 : 1;
        }

        server.ConnectionFailed += (_, e) =>
        {
            string message = e.Error.Message;
            string prefix = e.Connection + ": ";
            _ = errors.WriteLineAsync($"{Name}: {e.Connection}: {(message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message)}");
        };
        await errors.WriteLineAsync($"{Name}: {(IsMount ? "mounted on" : "listening on")} {server.Address}").ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or kill %N: stop gracefully.
        }

        await stop(line.StopTimeout).ConfigureAwait(false);
        await errors.WriteLineAsync($"{Name}: stopped: {server.Statistics}").ConfigureAwait(false);
        return 0;
    }

    protected abstract Task<(StreamServer Server, Func<TimeSpan, Task> Stop)> StartAsync(ServerCommandLine line, Func<StreamHead, CancellationToken, Task> handler, StageContext context);

    protected StreamServerOptions ServerOptions(string address, ServerCommandLine line, Func<StreamHead, CancellationToken, Task> handler) => new()
    {
        Address = address,
        Handler = handler,
        ModuleLines = line.Modules,
        Components = _registry,
        StreamOptions = new StreamOptions { Components = _registry },
        MaxConnections = line.MaxConnections,
        Name = $"{Name} {address}",
    };

    protected ComponentRegistry Registry => _registry;

    private bool MessagesAtHead(List<string> modules)
    {
        if (modules.Count == 0)
        {
            return false;
        }

        IReadOnlyList<string> words = ComponentRegistry.SplitWords(modules[0]);
        return words.Count > 0 && _registry.TryGet(words[0], out ComponentDescriptor descriptor, out _) && descriptor.MessagesAtHead;
    }
}

/// <summary>Serializes the lines that concurrent connections write to the command's one stderr.</summary>
internal sealed class ErrorSink(PipeWriter target)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task WriteLineAsync(string line)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            target.WriteUtf8(line + "\n");
            await target.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Nobody reads our stderr any more: the message has nowhere to go.
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Copies one connection's stderr, a burst at a time.</summary>
    public async Task PumpAsync(PipeReader reader)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
            if (!result.Buffer.IsEmpty)
            {
                await _gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                    {
                        target.Write(segment.Span);
                    }

                    await target.FlushAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException)
                {
                    // As above.
                }
                finally
                {
                    _gate.Release();
                }
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
                return;
            }
        }
    }
}
