using System.Buffers;
using System.IO.Pipelines;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>tee [-a] [FILE]...</c>: copies standard input to standard output and to files.</summary>
internal sealed class TeeCommand : PipelineStage
{
    internal const string HelpText = """
        Usage: tee [OPTION]... [FILE]...
        Copy standard input to each FILE, and also to standard output.

          -a, --append              append to the given FILEs, do not overwrite
          -i, --ignore-interrupts   ignore interrupt signals
              --help        display this help and exit
        """;

    private static readonly LongOption[] Longs = [new("append", false, 'a'), new("ignore-interrupts", false, 'i')];

    /// <inheritdoc />
    public override string Name => "tee";

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "ai", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        int status = 0;
        var files = new List<FileStream>();
        try
        {
            foreach (string name in args.Operands)
            {
                try
                {
                    files.Add(new FileStream(context.ResolvePath(name), args.Has('a') ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await context.WriteErrorLineAsync($"tee: {name}: {CommandIO.Reason(ex)}").ConfigureAwait(false);
                    status = 1;
                }
            }

            CancellationToken token = context.CancellationToken;
            while (true)
            {
                ReadResult result = await context.Input.ReadAsync(token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                foreach (ReadOnlyMemory<byte> segment in buffer)
                {
                    context.Output.Write(segment.Span);
                    foreach (FileStream file in files)
                    {
                        await file.WriteAsync(segment, token).ConfigureAwait(false);
                    }
                }

                context.Input.AdvanceTo(buffer.End);

                // tee passes data on as it comes: flush every read, not only full batches.
                await context.Output.FlushOrStopAsync(token).ConfigureAwait(false);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        finally
        {
            foreach (FileStream file in files)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }

        return status;
    }
}
