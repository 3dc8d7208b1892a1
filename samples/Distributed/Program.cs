// A distributed pipeline over ZeroMQ: a ventilator pushes tasks into a streamer device, workers pull them,
// transform them and push results to a sink (the "divide and conquer" pattern of the ZeroMQ guide).
//
//   dotnet run -- all [TASKS] [WORKERS]   everything in one process (default 1000 tasks, 3 workers)
//   dotnet run -- streamer                the device:   @tcp://127.0.0.1:5557 -> @tcp://127.0.0.1:5558
//   dotnet run -- worker                  one worker:   >5558 -> upper case -> >5559
//   dotnet run -- sink [TASKS]            the sink:     @5559, prints each result and a summary
//   dotnet run -- ventilate [TASKS]       the tasks:    >5557
using System.Diagnostics;
using System.Text;
using NetMQ;
using Streams;
using Streams.Transports.ZeroMq;
using Streams.Transports.ZeroMq.Devices;

const string Front = "tcp://127.0.0.1:5557";
const string Back = "tcp://127.0.0.1:5558";
const string Results = "tcp://127.0.0.1:5559";

string mode = args.Length > 0 ? args[0] : "all";
int tasks = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000;
int workers = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

try
{
    switch (mode)
    {
        case "streamer":
            await RunStreamerAsync(cts.Token);
            break;
        case "worker":
            await RunWorkerAsync(cts.Token);
            break;
        case "sink":
            await RunSinkAsync(tasks, print: true, cts.Token);
            break;
        case "ventilate":
            await VentilateAsync(tasks, cts.Token);

            // The push socket lingers to deliver what it still holds; wait for it before the process ends.
            ZeroMqTransport.CleanupAtExit(TimeSpan.FromSeconds(5));
            break;
        case "all":
            await RunAllAsync(tasks, workers, cts.Token);
            break;
        default:
            Console.Error.WriteLine($"unknown mode '{mode}' (all, streamer, worker, sink, ventilate)");
            return 2;
    }
}
catch (OperationCanceledException)
{
}
catch (IOException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
finally
{
    NetMQConfig.Cleanup(block: false);
}

return 0;

static async Task RunAllAsync(int tasks, int workers, CancellationToken cancellationToken)
{
    using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    var device = new ZeroMqDevice(new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Streamer, Frontend = "@" + Front, Backend = "@" + Back, Name = "sample streamer" });
    device.Start();
    Task sink = RunSinkAsync(tasks, print: false, stop.Token);
    var running = Enumerable.Range(0, workers).Select(_ => RunWorkerAsync(stop.Token)).ToList();
    var clock = Stopwatch.StartNew();
    await VentilateAsync(tasks, stop.Token);
    await sink;
    Console.WriteLine($"{tasks} tasks through {workers} workers in {clock.ElapsedMilliseconds} ms; device: {device.Statistics}");
    stop.Cancel();
    await Task.WhenAll(running.Select(t => t.ContinueWith(static _ => { }, TaskScheduler.Default)));
    await device.StopAsync(CancellationToken.None);
}

static async Task RunStreamerAsync(CancellationToken cancellationToken)
{
    var device = new ZeroMqDevice(new ZeroMqDeviceOptions { Kind = ZeroMqDeviceKind.Streamer, Frontend = "@" + Front, Backend = "@" + Back });
    Console.Error.WriteLine($"streamer {Front} -> {Back}; Ctrl-C stops");
    await device.RunAsync(cancellationToken);
    Console.Error.WriteLine($"streamer: {device.Statistics}");
}

static async Task VentilateAsync(int tasks, CancellationToken cancellationToken)
{
    // Writing down a push stream: when no worker has room the writes pend (the socket's HWM and the stream's
    // water marks), nothing is dropped. Completing the writes is the ventilator's end of stream.
    await using StreamHead head = StreamHead.Open(ZeroMqTransport.CreateDriver($"zmq:push:>{Front}"));
    for (int i = 0; i < tasks; i++)
    {
        await head.WriteAsync($"task {i}", cancellationToken);
    }

    await head.CompleteWritesAsync(cancellationToken);
    await head.WritesCompleted.WaitAsync(cancellationToken);
}

static async Task RunWorkerAsync(CancellationToken cancellationToken)
{
    await using StreamHead input = StreamHead.Open(ZeroMqTransport.CreateDriver($"zmq:pull:>{Back}"));
    await using StreamHead output = StreamHead.Open(ZeroMqTransport.CreateDriver($"zmq:push:>{Results}"));
    while (await input.ReadAsync(cancellationToken) is { } task)
    {
        string result = Encoding.UTF8.GetString(task.Span).ToUpperInvariant();
        task.Release();
        await output.WriteAsync(result, cancellationToken);
    }
}

static async Task RunSinkAsync(int tasks, bool print, CancellationToken cancellationToken)
{
    await using StreamHead head = StreamHead.Open(ZeroMqTransport.CreateDriver($"zmq:pull:@{Results}"));
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < tasks; i++)
    {
        Message? result = await head.ReadAsync(cancellationToken);
        if (result is null)
        {
            break;
        }

        if (print)
        {
            Console.WriteLine(result.ToText());
        }

        result.Release();
    }

    if (print)
    {
        Console.Error.WriteLine($"sink: {tasks} results in {clock.ElapsedMilliseconds} ms");
    }
}
