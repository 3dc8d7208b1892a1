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
        bool toOutput = true;
        var files = new List<(string Name, FileStream Stream)>();

        // /dev/stdout and /dev/stderr are the stage's own (another copy on stdout, as in sh).
        var standard = new List<PipeWriter>();
        try
        {
            foreach (string name in args.Operands)
            {
                if (StandardNames.Output(context, name) is { } writer)
                {
                    standard.Add(writer);
                    continue;
                }

                try
                {
                    files.Add((name, new FileStream(context.ResolvePath(name), args.Has('a') ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1)));
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

                // As GNU tee: standard output first, then each file in order. tee passes data on as it comes:
                // flush every read, not only full batches. A reader gone ends tee quietly (BrokenPipeException);
                // any other write error is reported and tee goes on with the rest.
                if (toOutput)
                {
                    foreach (ReadOnlyMemory<byte> segment in buffer)
                    {
                        context.Output.Write(segment.Span);
                    }

                    try
                    {
                        await context.Output.FlushOrStopAsync(token).ConfigureAwait(false);
                    }
                    catch (WriteErrorException ex)
                    {
                        await context.WriteErrorLineAsync($"tee: 'standard output': {ex.Reason}").ConfigureAwait(false);
                        status = 1;
                        toOutput = false;
                    }
                }

                foreach (PipeWriter writer in standard)
                {
                    if (toOutput || !ReferenceEquals(writer, context.Output))
                    {
                        foreach (ReadOnlyMemory<byte> segment in buffer)
                        {
                            writer.Write(segment.Span);
                        }

                        await writer.FlushOrStopAsync(token).ConfigureAwait(false);
                    }
                }

                for (int i = 0; i < files.Count;)
                {
                    try
                    {
                        foreach (ReadOnlyMemory<byte> segment in buffer)
                        {
                            await files[i].Stream.WriteAsync(segment, token).ConfigureAwait(false);
                        }

                        i++;
                    }
                    catch (IOException ex)
                    {
                        await context.WriteErrorLineAsync($"tee: {files[i].Name}: {CommandIO.WriteReason(ex)}").ConfigureAwait(false);
                        status = 1;
                        await CloseQuietlyAsync(files[i].Stream).ConfigureAwait(false);
                        files.RemoveAt(i);
                    }
                }

                context.Input.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        finally
        {
            foreach ((_, FileStream file) in files)
            {
                await CloseQuietlyAsync(file).ConfigureAwait(false);
            }
        }

        return status;
    }

    private static async ValueTask CloseQuietlyAsync(FileStream file)
    {
        try
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Unbuffered: nothing was left to write.
        }
    }
}
