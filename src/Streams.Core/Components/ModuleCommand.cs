using System.Buffers;
using System.IO.Pipelines;
using Streams.Pipelines;

namespace Streams.Components;

/// <summary>Runs one side of a module as a pipeline command (simplex use): its write side by default, its read
/// side with <c>-d</c> or a decode alias.</summary>
/// <remarks>
/// The module sits on a stream over a <see cref="MemoryDriver"/> on the stage's own thread. Encoding: stdin goes
/// down the write side — one message per input line (newline removed) when the module carries messages at its
/// head, else 64 KiB chunks — and what reaches the driver is copied to stdout. Decoding: stdin goes up the read
/// side in 64 KiB chunks, and each message that reaches the head is written to stdout, followed by a newline when
/// the module carries messages at its head. <c>--raw</c> turns the line mapping off. The end of stdin completes
/// the write side (encoding) or is a hangup (decoding), so a module can finish its format.
/// </remarks>
internal sealed class ModuleCommand : PipelineStage
{
    private const int Chunk = 64 * 1024;
    private readonly ComponentDescriptor _descriptor;
    private readonly ComponentArguments _arguments;
    private readonly bool _decode;
    private readonly bool _lines;

    public ModuleCommand(ComponentDescriptor descriptor, ComponentArguments arguments, bool decode, bool raw)
    {
        _descriptor = descriptor;
        _arguments = arguments;
        _decode = decode;
        _lines = descriptor.MessagesAtHead && !raw;
    }

    public override string Name => _descriptor.Name;

    public override async ValueTask<int> RunAsync(StageContext context)
    {
        StreamModule module;
        try
        {
            module = _descriptor.CreateModule!(_arguments);
        }
        catch (ComponentArgumentException ex)
        {
            // A usage error, as when the options could not be parsed: status 2 and the same line as -m would give.
            throw new StageFailedException(ex.Message, ex, 2);
        }

        PipeWriter output = context.Output;
        var pool = new MessagePool();
        bool lines = _lines;
        var driver = new MemoryDriver(_decode ? "stdin" : "stdout")
        {
            Sink = m =>
            {
                if (m.Kind is MessageKind.Data or MessageKind.Proto)
                {
                    output.Write(m.Span);
                }

                m.Release();
            },
        };
        StreamHead head = StreamHead.Open(driver, new StreamOptions { Pool = pool, HeadLimits = new StreamQueueLimits(long.MaxValue, long.MaxValue / 2) });
        try
        {
            await head.PushAsync(module, context.CancellationToken).ConfigureAwait(false);
            if (_decode)
            {
                await DecodeAsync(context, head, driver, lines).ConfigureAwait(false);
            }
            else
            {
                await EncodeAsync(context, head, lines).ConfigureAwait(false);
            }

            return 0;
        }
        catch (StreamException ex)
        {
            throw new StageFailedException($"{_descriptor.Name}: {TrimComponent(ex)}", ex);
        }
        finally
        {
            await head.AbortAsync().ConfigureAwait(false);
        }
    }

    private static string TrimComponent(StreamException ex)
    {
        string prefix = ex.Component + ": ";
        return ex.Message.StartsWith(prefix, StringComparison.Ordinal) ? ex.Message[prefix.Length..] : ex.Message;
    }

    private static async Task EncodeAsync(StageContext context, StreamHead head, bool lines)
    {
        PipeReader input = context.Input;
        while (true)
        {
            ReadResult result = await input.ReadAsync(context.CancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (lines)
            {
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    await head.WriteAsync(head.Pool.Data(buffer.Slice(0, end)), context.CancellationToken).ConfigureAwait(false);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                }

                if (result.IsCompleted && !buffer.IsEmpty)
                {
                    await head.WriteAsync(head.Pool.Data(buffer), context.CancellationToken).ConfigureAwait(false);
                    buffer = buffer.Slice(buffer.End);
                }
            }
            else
            {
                while (!buffer.IsEmpty)
                {
                    ReadOnlySequence<byte> chunk = buffer.Slice(0, Math.Min(buffer.Length, Chunk));
                    await head.WriteAsync(head.Pool.Data(chunk), context.CancellationToken).ConfigureAwait(false);
                    buffer = buffer.Slice(chunk.End);
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await head.CompleteWritesAsync(context.CancellationToken).ConfigureAwait(false);
        await head.WritesCompleted.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        if (head.Error is { } error)
        {
            throw error;
        }
    }

    private static async Task DecodeAsync(StageContext context, StreamHead head, MemoryDriver driver, bool lines)
    {
        PipeReader input = context.Input;
        while (true)
        {
            ReadResult result = await input.ReadAsync(context.CancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (!buffer.IsEmpty)
            {
                ReadOnlySequence<byte> chunk = buffer.Slice(0, Math.Min(buffer.Length, Chunk));
                driver.InjectUp(head.Pool.Data(chunk));
                buffer = buffer.Slice(chunk.End);
            }

            input.AdvanceTo(buffer.End);
            await DrainAsync(context, head, lines, wait: false).ConfigureAwait(false);
            if (result.IsCompleted)
            {
                break;
            }
        }

        driver.InjectHangup();
        await DrainAsync(context, head, lines, wait: true).ConfigureAwait(false);
    }

    private static async Task DrainAsync(StageContext context, StreamHead head, bool lines, bool wait)
    {
        while (true)
        {
            Message? m;
            if (!head.TryRead(out m))
            {
                if (!wait)
                {
                    return;
                }

                m = await head.ReadAsync(context.CancellationToken).ConfigureAwait(false);
                if (m is null)
                {
                    return;
                }
            }

            if (m is null)
            {
                return;
            }

            context.Output.Write(m.Span);
            if (lines)
            {
                context.Output.Write("\n"u8);
            }

            m.Release();
            await context.Output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
        }
    }
}
