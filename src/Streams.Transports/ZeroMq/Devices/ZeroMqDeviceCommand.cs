using System.Globalization;
using Streams.Components;
using Streams.Pipelines;

namespace Streams.Transports.ZeroMq.Devices;

/// <summary>The shell command of a device: <c>forwarder|streamer|queue FRONT BACK [options]</c>. Runs until the
/// pipeline is cancelled (Ctrl-C, <c>kill %N</c>) or a TERMINATE arrives on the control socket, then prints the
/// counters on stderr.</summary>
public sealed class ZeroMqDeviceCommand : PipelineStage
{
    private readonly ZeroMqDeviceKind _kind;
    private readonly ComponentRegistry? _registry;

    /// <summary>Creates the command; <paramref name="registry"/> creates the leg modules named with
    /// <c>-m</c> (null: no leg modules).</summary>
    public ZeroMqDeviceCommand(ZeroMqDeviceKind kind, ComponentRegistry? registry = null)
    {
        _kind = kind;
        _registry = registry;
    }

    /// <inheritdoc />
    public override string Name => _kind.ToString().ToLowerInvariant();

    /// <summary>The help text of a device command.</summary>
    public static string HelpFor(string name, string summary, string roles) => $"""
        usage: {name} FRONT BACK [--capture ENDPOINT] [--capture-push] [--control ENDPOINT]
               [-m MODULE | --frontend-module MODULE] [--backend-module MODULE] [--hwm N] [--name NAME]

        Runs {summary}; {roles}.
        FRONT and BACK are ZeroMQ endpoints, several separated by commas; an endpoint binds unless it is
        prefixed with '>' (connect); '@' binds explicitly. Runs until cancelled (Ctrl-C, kill %N) or a TERMINATE
        arrives on the control socket, then prints its counters on stderr.

          --capture ENDPOINT        copy every message crossing the device to a PUB socket there
          --capture-push            make the capture socket a PUSH socket instead
          --control ENDPOINT        a REP socket taking PAUSE, RESUME, TERMINATE and STATISTICS
                                    (as libzmq's zmq_proxy_steerable; STATISTICS answers 8 uint64 frames)
          -m, --frontend-module M   pass frontend traffic through module M (a slower path: about a
                                    microsecond a message more)
          --backend-module M        pass backend traffic through module M
          --hwm N                   send and receive high-water marks of both sockets (default 1000)
          --name NAME               the name shown in the device list

        example: {name} '@tcp://127.0.0.1:5557' '@tcp://127.0.0.1:5558' --control '@tcp://127.0.0.1:5560'
        """;

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ZeroMqDeviceOptions options;
        try
        {
            options = Parse(context.Arguments);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or ComponentArgumentException)
        {
            await ErrorAsync(context, $"{Name}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        await using var device = new ZeroMqDevice(options);
        try
        {
            device.Start();
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            await ErrorAsync(context, $"{Name}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        int status = 0;
        try
        {
            await device.Completion.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            await device.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (device.Completion.IsFaulted)
        {
            await ErrorAsync(context, $"{Name}: {ex.Message}").ConfigureAwait(false);
            status = 1;
        }

        await ErrorAsync(context, $"{Name}: {device.Statistics}").ConfigureAwait(false);
        return status;
    }

    private ZeroMqDeviceOptions Parse(IReadOnlyList<string> args)
    {
        var positionals = new List<string>();
        string? capture = null, control = null, frontModule = null, backModule = null, name = null;
        bool capturePush = false;
        int hwm = 1000;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"option '{a}' needs a value");
            switch (a)
            {
                case "--capture":
                    capture = Value();
                    break;
                case "--capture-push":
                    capturePush = true;
                    break;
                case "--control":
                    control = Value();
                    break;
                case "-m" or "--frontend-module":
                    frontModule = frontModule is null ? Value() : throw new FormatException("one module per leg (-m given twice)");
                    break;
                case "--backend-module":
                    backModule = backModule is null ? Value() : throw new FormatException("one module per leg (--backend-module given twice)");
                    break;
                case "--hwm":
                    string v = Value();
                    hwm = int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new FormatException($"--hwm needs a number, not '{v}'");
                    break;
                case "--name":
                    name = Value();
                    break;
                case "--":
                    positionals.AddRange(args.Skip(i + 1));
                    i = args.Count;
                    break;
                default:
                    if (a.StartsWith('-') && a.Length > 1)
                    {
                        throw new FormatException($"unknown option '{a}' (see help {Name})");
                    }

                    positionals.Add(a);
                    break;
            }
        }

        if (positionals.Count != 2)
        {
            throw new FormatException($"expected FRONT and BACK endpoints, got {positionals.Count} argument(s) (usage: {Name} FRONT BACK [options])");
        }

        return new ZeroMqDeviceOptions
        {
            Kind = _kind,
            Frontend = positionals[0],
            Backend = positionals[1],
            Capture = capture,
            CaptureType = capturePush ? ZeroMqSocketType.Push : ZeroMqSocketType.Pub,
            Control = control,
            HighWatermark = hwm,
            Name = name,
            FrontendModule = ModuleFactory(frontModule),
            BackendModule = ModuleFactory(backModule),
        };
    }

    private Func<StreamModule>? ModuleFactory(string? line)
    {
        if (line is null)
        {
            return null;
        }

        ComponentRegistry registry = _registry ?? throw new FormatException("leg modules need a component registry");

        // Create one now so that a bad module line is reported before the device starts.
        _ = registry.CreateModule(line);
        return () => registry.CreateModule(line);
    }

    private static async ValueTask ErrorAsync(StageContext context, string line)
    {
        context.Error.WriteUtf8(line + "\n");
        await context.Error.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
