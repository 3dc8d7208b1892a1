using System.Diagnostics;

namespace Streams;

/// <summary>A full-duplex stream, seen from the user's end: the head of a stack of modules over a driver.</summary>
/// <remarks>
/// <code>
///   user:  WriteAsync ──┐                          ┌── ReadAsync / AsStream / AsDuplexPipe
///                       ▼                          │
///          ┌────────────────────── head ──────────────────────┐
///          │  write queue                        read queue   │
///          ├──────────────────────────────────────────────────┤
///          │  module "line":   write side ▼   ▲ read side      │
///          │  module "gzip":   write side ▼   ▲ read side      │
///          ├──────────────────────────────────────────────────┤
///          │  driver "tcp:127.0.0.1:9000"  (sends ▼ ▲ receives) │
///          └──────────────────────────────────────────────────┘
/// </code>
/// <para>Messages travel down the write sides and up the read sides by plain calls from module to module, inside
/// one serial context per stream: module state needs no locks, and there is no thread hop per module.</para>
/// <para>Three faces of the same stream: messages (<see cref="ReadAsync(CancellationToken)"/>,
/// <see cref="WriteAsync(Message, CancellationToken)"/>, <see cref="ReadAllAsync"/>), bytes as an
/// <see cref="System.IO.Pipelines.IDuplexPipe"/> (<see cref="AsDuplexPipe"/>) and a <see cref="System.IO.Stream"/>
/// (<see cref="AsStream"/>).</para>
/// <para>Thread-safety: writes, controls and stack changes may come from any thread; one read may be pending at a
/// time.</para>
/// </remarks>
[DebuggerDisplay("{Describe(),nq}")]
public sealed partial class StreamHead : IAsyncDisposable
{
    private readonly SerialContext _context;
    private readonly StreamQueue _headWrite;
    private readonly StreamQueue _headRead;
    private readonly StreamQueue _driverWrite;
    private readonly StreamQueue _driverRead;
    private readonly DriverContext _driverContext;
    private readonly List<StreamModule> _modules = [];
    private readonly Dictionary<StreamModule, (StreamQueue Write, StreamQueue Read)> _queues = [];

    private StreamHead(StreamDriver driver, StreamOptions options, SerialContext context)
    {
        Driver = driver;
        Options = options;
        Pool = options.Pool;
        _context = context;
        _context.Attach(this);
        _headWrite = new StreamQueue(this, QueueSide.Write, QueueRole.Head, null, null, options.QueueLimits);
        _headRead = new StreamQueue(this, QueueSide.Read, QueueRole.Head, null, null, options.HeadLimits);
        StreamQueueLimits driverLimits = driver.Limits ?? options.QueueLimits;
        _driverWrite = new StreamQueue(this, QueueSide.Write, QueueRole.Driver, null, driver, driverLimits);
        _driverRead = new StreamQueue(this, QueueSide.Read, QueueRole.Driver, null, driver, driverLimits);
        _headWrite.Partner = _headRead;
        _headRead.Partner = _headWrite;
        _driverWrite.Partner = _driverRead;
        _driverRead.Partner = _driverWrite;
        _headWrite.Next = _driverWrite;
        _driverWrite.Prev = _headWrite;
        _driverRead.Next = _headRead;
        _headRead.Prev = _driverRead;
        _driverContext = new DriverContext(this, _driverRead);
        ReadMode = options.ReadMode;
    }

    /// <summary>The driver at the bottom of the stream.</summary>
    public StreamDriver Driver { get; }

    /// <summary>The stream's options.</summary>
    public StreamOptions Options { get; }

    /// <summary>The pool this stream rents messages from.</summary>
    public MessagePool Pool { get; }

    /// <summary>The read mode of byte reads (<see cref="ReadAsync(Memory{byte}, CancellationToken)"/>).</summary>
    public ReadMode ReadMode { get; set; }

    /// <summary>The first reason the stream ended, or <see cref="HangupKind.None"/> while it runs.</summary>
    public HangupKind EndReason => _endReason;

    /// <summary>The error that failed the stream, naming the component, or null.</summary>
    public StreamException? Error => _error;

    /// <summary>A user label for tools (for example the peer of an accepted connection).</summary>
    public string? Label { get; set; }

    internal bool InContext => _context.InContext;

    /// <summary>Opens a stream over <paramref name="driver"/> and starts the driver.</summary>
    public static StreamHead Open(StreamDriver driver, StreamOptions? options = null) => Open(driver, [], options);

    /// <summary>Opens a stream over <paramref name="driver"/> with <paramref name="modules"/> already on it (listed
    /// from the head down), then starts the driver: nothing the transport sends can pass before the modules are in
    /// place (a server's TLS or framing must see the peer's first bytes).</summary>
    /// <remarks>The stream owns the modules from then on. Work the modules or the driver start while the stream
    /// opens runs, in order, right after it.</remarks>
    public static StreamHead Open(StreamDriver driver, IReadOnlyList<StreamModule> modules, StreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(modules);
        var head = new StreamHead(driver, options ?? StreamOptions.Default, new SerialContext());
        if (!head._context.TryEnter())
        {
            throw new InvalidOperationException("A new stream's context is busy.");
        }

        try
        {
            for (int i = 0; i < modules.Count; i++)
            {
                head.InsertInside(i, modules[i]);
            }

            driver.Start(head._driverContext);
        }
        finally
        {
            head._context.Exit();
        }

        return head;
    }

    /// <summary>Opens a stream over <paramref name="driver"/> sharing the serial context of <paramref name="peer"/>
    /// (both ends of a cross-connected pipe run in one context).</summary>
    internal static StreamHead OpenShared(StreamDriver driver, StreamOptions options, StreamHead? peer)
    {
        var head = new StreamHead(driver, options, peer?._context ?? new SerialContext());
        return head;
    }

    internal DriverContext DriverContext => _driverContext;

    internal StreamQueue DriverReadQueue => _driverRead;

    internal StreamQueue DriverWriteQueue => _driverWrite;

    internal void ScheduleService(StreamQueue queue) => _context.ScheduleService(queue);

    /// <summary>Runs <paramref name="action"/> inside the serial context.</summary>
    internal void Invoke(Action<StreamQueue> action, StreamQueue queue)
    {
        if (_context.TryEnter())
        {
            try
            {
                action(queue);
            }
            finally
            {
                _context.Exit();
            }
        }
        else
        {
            _context.Post(new ActionWorkItem(action, queue));
        }
    }

    internal void Invoke<T>(Action<StreamQueue, T> action, StreamQueue queue, T state)
    {
        if (_context.TryEnter())
        {
            try
            {
                action(queue, state);
            }
            finally
            {
                _context.Exit();
            }
        }
        else
        {
            _context.Post(new ActionWorkItem<T>(action, queue, state));
        }
    }

    /// <summary>Runs <paramref name="action"/> inside the serial context and completes when it has run.</summary>
    internal Task InvokeAsync(Action<StreamHead> action)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Invoke(
            static (q, state) =>
            {
                try
                {
                    state.Action(q.Stream);
                    state.Tcs.TrySetResult();
                }
                catch (Exception ex)
                {
                    state.Tcs.TrySetException(ex);
                }
            },
            _headWrite,
            (Action: action, Tcs: tcs));
        return tcs.Task;
    }

    /// <summary>Runs <paramref name="action"/> inside the serial context and returns its result.</summary>
    internal Task<T> InvokeAsync<T>(Func<StreamHead, T> action)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Invoke(
            static (q, state) =>
            {
                try
                {
                    state.Tcs.TrySetResult(state.Action(q.Stream));
                }
                catch (Exception ex)
                {
                    state.Tcs.TrySetException(ex);
                }
            },
            _headWrite,
            (Action: action, Tcs: tcs));
        return tcs.Task;
    }

    /// <inheritdoc />
    public override string ToString() => Describe();
}
