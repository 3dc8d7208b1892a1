using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using NetMQ;
using Streams.Transports.ZeroMq.Internal;
using Streams.Transports.ZeroMq.Zmtp;

namespace Streams.Transports.ZeroMq.Devices;

/// <summary>A ZeroMQ device — forwarder (XSUB ↔ XPUB), streamer (PULL → PUSH) or queue (ROUTER ↔ DEALER) — on its
/// own ZMTP relay or on NetMQ sockets, with optional capture and control sockets, counters, and pause, resume and
/// stop.</summary>
/// <remarks>
/// <para><b>Two engines.</b> A device whose endpoints are all TCP (bound, or connected to an IP address), its
/// capture socket's included, runs on the ZMTP relay (<see cref="ZeroMqDeviceOptions.DirectTcp"/>): one thread speaking ZMTP 3.0 to
/// its peers itself. Every other device runs on NetMQ sockets as below; the control socket always does.</para>
/// <para><b>Threading.</b> One poller thread per device owns every socket. On each wake-up it moves up to
/// <see cref="ZeroMqDeviceOptions.Batch"/> messages per direction with NetMQ's <see cref="Msg"/> API
/// (<c>TryReceive</c> with a zero timeout, <c>TrySend</c> of the same <see cref="Msg"/>): no allocation and no
/// thread hop per message. Legs with modules take a slower path through an in-memory stream (see
/// <see cref="ZeroMqDeviceOptions.FrontendModule"/>).</para>
/// <para><b>Flow control.</b> When the destination refuses a message (its HWM is reached, or no peer is there
/// for a push or dealer) the device parks that message, stops reading the source and resumes when the
/// destination reports it is writable; so the sockets' HWMs push back on the senders, and nothing is dropped
/// that the socket types would not drop themselves (XPUB and ROUTER drop as ZeroMQ does).</para>
/// <para><b>Lifetime.</b> <see cref="Start"/> binds and connects (errors are thrown there), <see cref="StopAsync"/>
/// stops within about two seconds whatever the peers do (sockets linger <see cref="ZeroMqDeviceOptions.Linger"/>,
/// default 0). The device is an <see cref="IHostedService"/>; <see cref="RunAsync"/> runs it until cancelled. A
/// running device is listed in <see cref="Running"/>. All public members are thread-safe.</para>
/// </remarks>
[DebuggerDisplay("{Name,nq}: {Statistics}")]
public sealed partial class ZeroMqDevice : IHostedService, IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ZeroMqDevice, byte> s_running = new();
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly ZeroMqDeviceOptions _options;
    private readonly NetMQQueue<DeviceCommand> _commands = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NetMQPoller? _poller;
    private DeviceLeg? _front;
    private DeviceLeg? _back;
    private NetMQSocket? _capture;
    private NetMQSocket? _control;
    private ZmtpRelay? _relay;
    private int _started;
    private int _finished;
    private volatile bool _paused;
    private long _captureDropped;

    /// <summary>Creates a device; nothing is opened before <see cref="Start"/>.</summary>
    public ZeroMqDevice(ZeroMqDeviceOptions options)
    {
        ZeroMqTransport.NoteUse();
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    private enum DeviceCommand : byte
    {
        Pause,
        Resume,
        Stop,
        DrainLegs,
    }

    /// <summary>The devices of this process that are running (started and not yet stopped).</summary>
    public static IReadOnlyCollection<ZeroMqDevice> Running => s_running.Keys.ToArray();

    /// <summary>The device's name (<see cref="ZeroMqDeviceOptions.Name"/>, or the kind and endpoints).</summary>
    public string Name => _options.DisplayName;

    /// <summary>The device kind.</summary>
    public ZeroMqDeviceKind Kind => _options.Kind;

    /// <summary>The counters, read at once (each is exact; together they are a near-instant snapshot).</summary>
    public ZeroMqDeviceStatistics Statistics
    {
        get
        {
            DeviceLeg? f = _front, b = _back;
            return f is null || b is null
                ? default
                : new ZeroMqDeviceStatistics(
                    Volatile.Read(ref f.MessagesIn),
                    Volatile.Read(ref f.BytesIn),
                    Volatile.Read(ref f.MessagesOut),
                    Volatile.Read(ref f.BytesOut),
                    Volatile.Read(ref b.MessagesIn),
                    Volatile.Read(ref b.BytesIn),
                    Volatile.Read(ref b.MessagesOut),
                    Volatile.Read(ref b.BytesOut));
        }
    }

    /// <summary>Capture copies dropped because the capture socket could not take them at once.</summary>
    public long CaptureDropped => Interlocked.Read(ref _captureDropped) + (_relay?.CaptureDropped ?? 0);

    /// <summary>What moves the messages: <c>zmtp</c> (the device's own ZMTP relay,
    /// <see cref="ZeroMqDeviceOptions.DirectTcp"/>) or <c>netmq</c> (NetMQ sockets); known once started.</summary>
    public string Engine => _relay is null ? "netmq" : "zmtp";

    /// <summary>Connections the device closed because they broke ZMTP (a bad greeting, a mechanism other than
    /// NULL, an incompatible socket type, an invalid frame). Counted by the ZMTP relay
    /// (<see cref="ZeroMqDeviceOptions.DirectTcp"/>); NetMQ sockets close such peers without telling.</summary>
    public long RejectedConnections => _relay?.Rejected ?? 0;

    /// <summary>Whether the device is paused (by <see cref="Pause"/> or a PAUSE on the control socket).</summary>
    public bool IsPaused => _paused;

    /// <summary>Whether the device is running.</summary>
    public bool IsRunning => Volatile.Read(ref _started) == 1 && !_completion.Task.IsCompleted;

    /// <summary>Completes when the device has stopped (by <see cref="StopAsync"/>, TERMINATE, or a failure, which
    /// faults it).</summary>
    public Task Completion => _completion.Task;

    /// <summary>The frontend's last bound or connected endpoint (with the real port after binding
    /// <c>tcp://…:*</c>), once started.</summary>
    public string? FrontendEndpoint => _front?.Endpoint;

    /// <summary>The backend's last endpoint, once started.</summary>
    public string? BackendEndpoint => _back?.Endpoint;

    /// <summary>The capture socket's last endpoint, once started, or null.</summary>
    public string? CaptureEndpoint { get; private set; }

    /// <summary>The control socket's last endpoint, once started, or null.</summary>
    public string? ControlEndpoint { get; private set; }

    /// <summary>Opens the sockets and starts the poller thread.</summary>
    /// <exception cref="IOException">An endpoint could not be bound or connected (the message names it).</exception>
    /// <exception cref="FormatException">An endpoint is malformed.</exception>
    /// <exception cref="InvalidOperationException">The device was already started.</exception>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"The device '{Name}' was already started.");
        }

        var opened = new List<NetMQSocket>();
        try
        {
            (ZeroMqSocketType frontType, ZeroMqSocketType backType) = _options.Kind switch
            {
                ZeroMqDeviceKind.Forwarder => (ZeroMqSocketType.XSub, ZeroMqSocketType.XPub),
                ZeroMqDeviceKind.Streamer => (ZeroMqSocketType.Pull, ZeroMqSocketType.Push),
                _ => (ZeroMqSocketType.Router, ZeroMqSocketType.Dealer),
            };
            List<ZeroMqEndpoint> frontEndpoints = ParseEndpoints(_options.Frontend);
            List<ZeroMqEndpoint> backEndpoints = ParseEndpoints(_options.Backend);
            List<ZeroMqEndpoint> captureEndpoints = _options.Capture is { } captureList ? ParseEndpoints(captureList) : [];
            if (UsesRelay(frontEndpoints, backEndpoints, captureEndpoints))
            {
                _front = new DeviceLeg("frontend", null);
                _back = new DeviceLeg("backend", null);
                SetUpLegModules();
                string captureType = _options.CaptureType == ZeroMqSocketType.Push ? "PUSH" : "PUB";
                _relay = ZmtpRelay.Start(Name, _options.Kind, frontEndpoints, backEndpoints, (captureEndpoints, captureType), _front, _back, _options.HighWatermark, _options.Linger, _paused, _options.Pool);
                _front.Endpoint = _relay.FrontendEndpoint;
                _back.Endpoint = _relay.BackendEndpoint;
                CaptureEndpoint = _relay.CaptureEndpoint;
            }
            else
            {
                _front = new DeviceLeg("frontend", Open(frontType, frontEndpoints, opened));
                _back = new DeviceLeg("backend", Open(backType, backEndpoints, opened));
                SetUpLegModules();
            }

            if (_relay is null && captureEndpoints.Count != 0)
            {
                _capture = Open(_options.CaptureType, captureEndpoints, opened);
                CaptureEndpoint = _capture.Options.LastEndpoint;
            }

            if (_options.Control is { } control)
            {
                _control = Open(ZeroMqSocketType.Rep, ParseEndpoints(control), opened);
                ControlEndpoint = _control.Options.LastEndpoint;
                _control.ReceiveReady += OnControl;
            }
        }
        catch
        {
            foreach (NetMQSocket s in opened)
            {
                s.Options.Linger = TimeSpan.Zero;
                s.Dispose();
            }

            _relay?.Stop();

            // Bounded (each leg stream closes within two seconds); their continuations do not need this thread.
            DisposeLegModulesAsync().AsTask().Wait(StopTimeout + StopTimeout);
            _completion.TrySetResult();
            throw;
        }

        _msg.InitEmpty();
        _copy.InitEmpty();
        _commands.ReceiveReady += OnCommand;
        _poller = [_commands];
        if (_relay is null)
        {
            SetUpFlows();
            _poller.Add(_front.Socket);
            _poller.Add(_back.Socket);
        }
        else
        {
            _relay.Completion.ContinueWith(_ => Post(DeviceCommand.Stop), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        if (_control is not null)
        {
            _poller.Add(_control);
        }

        s_running[this] = 0;
        _poller.RunAsync("zmq " + _options.Kind.ToString().ToLowerInvariant(), isBackgroundThread: true);
    }

    /// <summary>Stops moving messages (both directions); they wait in the sockets, whose HWMs push back.</summary>
    public void Pause() => Post(DeviceCommand.Pause);

    /// <summary>Moves messages again after <see cref="Pause"/>.</summary>
    public void Resume() => Post(DeviceCommand.Resume);

    /// <inheritdoc cref="IHostedService.StartAsync"/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops the device and closes its sockets; bounded (about two seconds at most), never throws for
    /// the sockets' sake.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _started) == 0)
        {
            _completion.TrySetResult();
            return;
        }

        Post(DeviceCommand.Stop);
        try
        {
            await _completion.Task.WaitAsync(StopTimeout + StopTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The poller did not answer: finish from here (the sockets are then left to NetMQ's reaper).
            await FinishAsync(null).ConfigureAwait(false);
        }
        catch (Exception) when (_completion.Task.IsFaulted)
        {
            // A failed device has stopped too; its error stays in Completion.
        }
    }

    /// <summary>Starts the device and runs it until <paramref name="cancellationToken"/> is signalled or it is
    /// stopped otherwise (TERMINATE), then stops it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        Start();
        try
        {
            await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the device (<see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>For the shell's <c>stack</c>: a line per running device (its name, engine and state), then, unless
    /// <paramref name="brief"/>, a line per leg with its endpoint and counters.</summary>
    internal static void DescribeRunning(System.Text.StringBuilder text, bool brief)
    {
        foreach (ZeroMqDevice device in s_running.Keys.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            ZeroMqDeviceStatistics s = device.Statistics;
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{device.Name} [{device.Engine}{(device.IsPaused ? ", paused" : string.Empty)}]\n");
            if (brief)
            {
                continue;
            }

            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"    frontend {device.FrontendEndpoint,-26} in {s.FrontendMessagesIn} msgs/{s.FrontendBytesIn} B, out {s.FrontendMessagesOut} msgs/{s.FrontendBytesOut} B\n");
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"    backend  {device.BackendEndpoint,-26} in {s.BackendMessagesIn} msgs/{s.BackendBytesIn} B, out {s.BackendMessagesOut} msgs/{s.BackendBytesOut} B\n");
            if (device.CaptureEndpoint is { } capture)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"    capture  {capture,-26} dropped {device.CaptureDropped} msgs\n");
            }

            if (device.RejectedConnections != 0)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"    refused connections: {device.RejectedConnections}\n");
            }
        }
    }

    private List<ZeroMqEndpoint> ParseEndpoints(string endpoints)
    {
        var list = endpoints.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(e => ZeroMqEndpoint.Parse(e, defaultBind: true, Name))
            .ToList();
        return list.Count != 0 ? list : throw new FormatException($"{Name}: an endpoint list is empty");
    }

    // The ZMTP relay serves a device whose endpoints, capture's included, are all TCP (ZeroMqDeviceOptions.DirectTcp).
    private bool UsesRelay(List<ZeroMqEndpoint> front, List<ZeroMqEndpoint> back, List<ZeroMqEndpoint> capture) =>
        _options.DirectTcp
        && ZmtpRelay.CanServe(front.Concat(back).Concat(capture));

    private NetMQSocket Open(ZeroMqSocketType type, List<ZeroMqEndpoint> endpoints, List<NetMQSocket> opened)
    {
        NetMQSocket socket = ZeroMqSockets.Create(type);
        socket.Options.SendHighWatermark = _options.HighWatermark;
        socket.Options.ReceiveHighWatermark = _options.HighWatermark;
        socket.Options.Linger = _options.Linger;
        ZeroMqSockets.Attach(socket, endpoints, Name);
        opened.Add(socket);
        return socket;
    }

    private void Post(DeviceCommand command)
    {
        if (Volatile.Read(ref _started) == 0 || _completion.Task.IsCompleted)
        {
            if (command == DeviceCommand.Pause)
            {
                _paused = true;
            }
            else if (command == DeviceCommand.Resume)
            {
                _paused = false;
            }

            return;
        }

        try
        {
            _commands.Enqueue(command);
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile.
        }
    }

    // Off the poller thread: disposes the poller and completes the device (once).
    private async Task FinishAsync(Exception? error)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        NetMQPoller? poller = _poller;
        try
        {
            await Task.Run(() =>
            {
                poller?.Dispose();
                _commands.Dispose();
            }).WaitAsync(StopTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or ObjectDisposedException or NetMQException or InvalidOperationException)
        {
            // Bounded: a poller that does not stop in time is left to the process.
        }

        if (_relay is { } relay)
        {
            relay.Stop();
            try
            {
                await relay.Completion.WaitAsync(StopTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Bounded: a relay that does not stop in time is left to the process (its thread is a background one).
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                error ??= ex;
            }
        }

        await DisposeLegModulesAsync().ConfigureAwait(false);
        s_running.TryRemove(this, out _);
        if (error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(error);
        }
    }
}
