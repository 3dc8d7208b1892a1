using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Streams.Pipelines;
using Streams.Testing;

namespace Streams.Core.Tests;

public sealed class PipelineTests
{
    [Fact]
    public async Task EarlyStop_EndsEndlessProducer_QuietlyWithSuccess()
    {
        bool cleanedUp = false;
        var yes = new DelegateStage("yes", async ctx =>
        {
            try
            {
                while (true)
                {
                    ctx.Output.Write("y\n"u8);
                    await ctx.Output.MaybeFlushAsync(ctx.CancellationToken);
                }
            }
            finally
            {
                cleanedUp = true;
            }
        });
        var headOne = new DelegateStage("head", async ctx =>
        {
            ReadResult r = await ctx.Input.ReadAsync(ctx.CancellationToken);
            SequencePosition? nl = r.Buffer.PositionOf((byte)'\n');
            ctx.Output.Write(r.Buffer.Slice(0, r.Buffer.GetPosition(1, nl!.Value)).ToArray());
            ctx.Input.AdvanceTo(r.Buffer.Start);
            return 0;
        });
        (PipelineResult result, string output, _) = await RunAsync(yes, headOne);
        Assert.Equal("y\n", output);
        Assert.True(cleanedUp);
        Assert.Equal(StageEndKind.StoppedByReader, result.Stages[0].End);
        Assert.Equal(0, result.ExitStatus);
        Assert.Equal(0, result.PipefailStatus);
    }

    [Fact]
    public async Task FailingStage_FailsPipelineWithItsName_OthersStop()
    {
        var endless = new DelegateStage("cat", async ctx =>
        {
            while (true)
            {
                ctx.Output.Write(new byte[1024]);
                await ctx.Output.FlushOrStopAsync(ctx.CancellationToken);
            }
        });
        var bad = new DelegateStage("broken", _ => throw new InvalidDataException("bad input at byte 3"));
        var sink = new DelegateStage("sink", async ctx =>
        {
            await ctx.Input.ReadAllBytesAsync(ctx.CancellationToken);
            return 0;
        });
        (PipelineResult result, _, string errors) = await RunAsync(endless, bad, sink);
        Assert.Equal("broken", result.FirstFailure?.Name);
        Assert.Equal(StageEndKind.Failed, result.Stages[1].End);
        Assert.Contains("broken: bad input at byte 3", errors);
        Assert.NotEqual(0, result.PipefailStatus);
    }

    [Fact]
    public async Task Cancellation_StopsEveryStage_With130()
    {
        using var cts = new CancellationTokenSource();
        var wait = new DelegateStage("sleep", async ctx =>
        {
            await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            return 0;
        });
        Task<(PipelineResult, string, string)> run = RunAsync([wait, wait], cts.Token);
        cts.CancelAfter(50);
        (PipelineResult result, _, _) = await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(result.Stages, s => Assert.Equal(130, s.ExitStatus));
    }

    [Fact]
    public async Task StatusOfEveryStage_IsKept()
    {
        var one = new DelegateStage("one", _ => ValueTask.FromResult(3));
        var two = new DelegateStage("two", _ => ValueTask.FromResult(0));
        (PipelineResult result, _, _) = await RunAsync(one, two);
        Assert.Equal([3, 0], result.Stages.Select(s => s.ExitStatus));
        Assert.Equal(0, result.ExitStatus);
        Assert.Equal(3, result.PipefailStatus);
    }

    private static Task<(PipelineResult, string, string)> RunAsync(params PipelineStage[] stages) => RunAsync(stages, CancellationToken.None);

    private static async Task<(PipelineResult, string, string)> RunAsync(PipelineStage[] stages, CancellationToken cancellationToken)
    {
        var input = new Pipe();
        await input.Writer.CompleteAsync();
        var output = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var error = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var starts = stages.Select((s, i) => new StageStart(s)
        {
            Input = i == 0 ? input.Reader : null,
            Output = i == stages.Length - 1 ? output.Writer : null,
        }).ToArray();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        PipelineResult result = await Pipeline.RunAsync(starts, error.Writer, cancellationToken: timeout.Token);
        await output.Writer.CompleteAsync();
        await error.Writer.CompleteAsync();
        string text = Encoding.ASCII.GetString(await output.Reader.ReadAllBytesAsync());
        string errors = Encoding.UTF8.GetString(await error.Reader.ReadAllBytesAsync());
        return (result, text, errors);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CallersPipe_StopsWithNext_StopsAProducerWithBytesStuckUnflushed(bool stopsWithNext)
    {
        // The caller joins the stages with its own pipe (as the shell does). The reader completes while the
        // producer holds a few unflushed bytes: a Pipe then counts them as unflushed for ever, so a producer that
        // flushes only full batches never flushes again and never learns that the reader is gone. StopsWithNext
        // stops it; without it, it is still writing when the test gives up.
        var pipe = new Pipe(Pipeline.StageOptions);
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var producer = new DelegateStage("yes", async ctx =>
        {
            ctx.Output.Write(new byte[StageIO.BatchSize]);
            await ctx.Output.MaybeFlushAsync(ctx.CancellationToken);
            ctx.Output.Write("y\n"u8);
            await ctx.Output.MaybeFlushAsync(ctx.CancellationToken);
            armed.TrySetResult();
            while (true)
            {
                ctx.Output.Write("y\n"u8);
                await ctx.Output.MaybeFlushAsync(ctx.CancellationToken);
                await Task.Yield();
            }
        });
        var reader = new DelegateStage("head", async ctx =>
        {
            ReadResult r = await ctx.Input.ReadAsync(ctx.CancellationToken);
            ctx.Input.AdvanceTo(r.Buffer.End);
            await armed.Task;
            await ctx.Input.CompleteAsync();
            return 0;
        });
        var input = new Pipe();
        await input.Writer.CompleteAsync();
        var output = new Pipe();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(stopsWithNext ? 30 : 2));
        PipelineResult result = await Pipeline.RunAsync(
            [
                new StageStart(producer) { Input = input.Reader, Output = pipe.Writer, StopsWithNext = stopsWithNext },
                new StageStart(reader) { Input = pipe.Reader, Output = output.Writer },
            ],
            new Pipe().Writer,
            cancellationToken: timeout.Token);
        Assert.Equal(!stopsWithNext, timeout.IsCancellationRequested);
        Assert.Equal(StageEndKind.StoppedByReader, result.Stages[0].End);
    }

    private sealed class DelegateStage(string name, Func<StageContext, ValueTask<int>> run) : PipelineStage
    {
        public override string Name => name;

        public override ValueTask<int> RunAsync(StageContext context) => run(context);
    }
}
