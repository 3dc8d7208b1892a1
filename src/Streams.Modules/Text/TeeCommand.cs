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
          -p                        operate in a more appropriate MODE with pipes
              --output-error[=MODE]   set behavior on write error.  See MODE below
              --help        display this help and exit

        MODE determines behavior with write errors on the outputs:
          warn           diagnose errors writing to any output
          warn-nopipe    diagnose errors writing to any output not a pipe
          exit           exit on error writing to any output
          exit-nopipe    exit on error writing to any output not a pipe
        The default MODE for the -p option is 'warn-nopipe'.
        With "nopipe" MODEs, exit immediately if all outputs become broken pipes.
        The default operation when --output-error is not specified, is to
        exit immediately on error writing to a pipe, and diagnose errors
        writing to non pipe outputs.
        """;

    private static readonly LongOption[] Longs =
    [
        new("append", false, 'a'), new("ignore-interrupts", false, 'i'), new("output-error", true, 'p', OptionalArgument: true),
    ];

    // --output-error's MODEs: w warn, W warn-nopipe, e exit, E exit-nopipe.
    private static readonly (string Word, char Value)[] Modes = [("warn", 'w'), ("warn-nopipe", 'W'), ("exit", 'e'), ("exit-nopipe", 'E')];

    /// <inheritdoc />
    public override string Name => "tee";

    /// <inheritdoc />
    /// <remarks>With <c>-p</c> or <c>--output-error</c> other than exit: tee goes on for its files.</remarks>
    public override bool OutlivesItsReader => _mode is 'w' or 'W' or 'E';

    // The --output-error mode chosen (see Modes; '\0' for none), for OutlivesItsReader.
    private char _mode;

    /// <inheritdoc />
    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        GnuArgs args = GnuArgs.Parse(context.Arguments, "aip", Longs);
        if (args.Error != null)
        {
            return await CommandIO.UsageAsync(context, Name, args.Error).ConfigureAwait(false);
        }

        if (args.Help)
        {
            return await CommandIO.HelpAsync(context, HelpText).ConfigureAwait(false);
        }

        // What a write error does: '\0' by default (a reader gone ends tee; other errors are diagnosed and that
        // output dropped), or one of Modes.
        char mode = '\0';
        foreach ((char key, string? value) in args.Options)
        {
            if (key == 'p')
            {
                string? bad = null;
                char? chosen = value is null ? 'W' : ArgMatch.Match(value, "--output-error", Modes, out bad);
                if (chosen is null)
                {
                    return await CommandIO.UsageAsync(context, Name, bad!).ConfigureAwait(false);
                }

                mode = _mode = chosen.Value;
            }
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
                        if (mode is 'e' or 'E')
                        {
                            return status;
                        }
                    }
                    catch (BrokenPipeException) when (mode != '\0')
                    {
                        // The reader has gone: with -p and the nopipe modes tee goes on quietly for its files; warn
                        // says so and goes on; exit says so and ends.
                        toOutput = false;
                        if (mode is 'w' or 'e')
                        {
                            await context.WriteErrorLineAsync("tee: 'standard output': Broken pipe").ConfigureAwait(false);
                            status = 1;
                        }

                        if (mode == 'e')
                        {
                            return status;
                        }
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
                        if (mode is 'e' or 'E')
                        {
                            return status;
                        }
                    }
                }

                context.Input.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled || (!toOutput && files.Count == 0 && standard.Count == 0))
                {
                    // The input is done, or (the reader of stdout gone under -p) no output is left.
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
