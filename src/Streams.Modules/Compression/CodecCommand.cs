using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Streams.Components;
using Streams.Pipelines;

namespace Streams.Modules.Compression;

/// <summary>A compression format as a pipeline command: <c>gzip</c> compresses stdin to stdout like
/// <c>gzip -c</c>; <c>gzip -d</c> (or <c>gunzip</c>) decompresses, concatenated members included.</summary>
/// <remarks>
/// <para>Arguments: <c>-d</c>/<c>--decode</c>/<c>--decompress</c>, <c>--level L</c> (or <c>-1</c> … <c>-9</c>),
/// <c>--max SIZE</c> (decode: the most bytes the whole output may reach; no limit by default), <c>-c</c>/<c>--stdout</c>
/// (accepted: output always goes to stdout), and files to read instead of stdin, in order.</para>
/// <para>The data streams through in the pipe's chunks (64 KiB batches), with no flush per chunk: the codec decides
/// its blocks. Bad input ends the command with status 1 and one line on stderr, in gzip's words, such as
/// <c>gunzip: stdin: not in gzip format</c>. Input that stops anywhere before the end of the format — inside a
/// header, the compressed data or a trailer — and empty input end it with <c>unexpected end of file</c>; a gzip
/// CRC-32 or ISIZE, a zlib Adler-32 or a zstd checksum that does not match, with <c>invalid compressed data</c>.
/// Past <c>--max</c> the output stops at exactly that many bytes, then the error.</para>
/// </remarks>
internal sealed class CodecCommand : PipelineStage
{
    private readonly Codec _codec;
    private readonly string _name;
    private readonly bool _decodeByName;

    public CodecCommand(Codec codec, string name, bool decode)
    {
        _codec = codec;
        _name = name;
        _decodeByName = decode;
    }

    public override string Name => _name;

    public override async ValueTask<int> RunAsync(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        bool decode = _decodeByName;
        CodecOptions options = ParseArguments(context.Arguments, ref decode, out List<string> files);
        if (files.Count == 0)
        {
            await RunOneAsync(context, context.Input, "stdin", decode, options).ConfigureAwait(false);
            return 0;
        }

        foreach (string file in files)
        {
            if (file == "-")
            {
                await RunOneAsync(context, context.Input, "stdin", decode, options).ConfigureAwait(false);
                continue;
            }

            FileStream stream;
            try
            {
                stream = new FileStream(context.ResolvePath(file), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StageFailedException($"{_name}: {file}: {(ex is FileNotFoundException or DirectoryNotFoundException ? "No such file or directory" : ex.Message)}");
            }

            await using (stream.ConfigureAwait(false))
            {
                PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: StageIO.BatchSize, leaveOpen: true));
                await RunOneAsync(context, reader, file, decode, options).ConfigureAwait(false);
                await reader.CompleteAsync().ConfigureAwait(false);
            }
        }

        return 0;
    }

    private async Task RunOneAsync(StageContext context, PipeReader input, string source, bool decode, CodecOptions options)
    {
        if (decode)
        {
            await DecodeAsync(context, input, source, options.MaxDecodedSize).ConfigureAwait(false);
        }
        else
        {
            await EncodeAsync(context, input, options).ConfigureAwait(false);
        }
    }

    private async Task EncodeAsync(StageContext context, PipeReader input, CodecOptions options)
    {
        PipeWriter output = context.Output;
        using CodecEncoder encoder = _codec.CreateEncoder(options);
        while (true)
        {
            ReadResult result = await input.ReadAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                encoder.Write(segment.Span, output);
            }

            input.AdvanceTo(result.Buffer.End);
            await output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }

        encoder.Finish(output);
        await output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
    }

    private async Task DecodeAsync(StageContext context, PipeReader input, string source, long limit)
    {
        PipeWriter output = context.Output;
        using CodecDecoder decoder = _codec.CreateDecoder(new CodecOptions { MaxDecodedSize = limit });
        while (true)
        {
            ReadResult result = await input.ReadAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                ReadOnlyMemory<byte> rest = segment;
                while (Step(decoder, ref rest, output, limit, source))
                {
                    await output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
                }
            }

            input.AdvanceTo(result.Buffer.End);
            await output.MaybeFlushAsync(context.CancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }

        try
        {
            decoder.Complete(strict: true);
        }
        catch (InvalidDataException ex)
        {
            throw Failure(ex, decoder, source);
        }

        await output.FlushOrStopAsync(context.CancellationToken).ConfigureAwait(false);
    }

    // One bounded step: true when it produced output (call again), false when the input is used up.
    private bool Step(CodecDecoder decoder, ref ReadOnlyMemory<byte> input, PipeWriter output, long limit, string source)
    {
        int room = Codec.Room(limit, decoder.Produced);
        Span<byte> span = output.GetSpan(room)[..room];
        int written;
        try
        {
            written = decoder.Decode(ref input, span);
        }
        catch (InvalidDataException ex)
        {
            throw Failure(ex, decoder, source);
        }

        // The step has room for one byte past the limit, to see it broken: the bytes up to the limit go out, that
        // one does not.
        long allowed = limit - decoder.Produced;
        if (written > allowed)
        {
            output.Advance((int)allowed);
            decoder.Produced = limit;
            throw new StageFailedException($"{_name}: {source}: decompressed data exceeds --max {limit} bytes (at compressed byte offset {decoder.Consumed})");
        }

        output.Advance(written);
        decoder.Produced += written;

        return written > 0;
    }

    private StageFailedException Failure(InvalidDataException error, CodecDecoder decoder, string source)
    {
        string what;
        if (error.Message == "unexpected end of file")
        {
            what = "unexpected end of file";
        }
        else if (decoder.Produced == 0 && decoder.Consumed <= 64)
        {
            what = $"not in {_codec.Name} format";
        }
        else
        {
            what = $"invalid compressed data--format violated (at compressed byte offset {decoder.Consumed})";
        }

        return new StageFailedException($"{_name}: {source}: {what}", error);
    }

    private CodecOptions ParseArguments(IReadOnlyList<string> arguments, ref bool decode, out List<string> files)
    {
        files = [];
        var level = System.IO.Compression.CompressionLevel.Optimal;
        int? quality = null;
        long max = long.MaxValue;
        bool onlyFiles = false;
        for (int i = 0; i < arguments.Count; i++)
        {
            string a = arguments[i];
            if (onlyFiles || a == "-" || !a.StartsWith('-'))
            {
                files.Add(a);
                continue;
            }

            string? inline = null;
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = a[(eq + 1)..];
                a = a[..eq];
            }

            switch (a)
            {
                case "--":
                    onlyFiles = true;
                    break;
                case "-d" or "--decode" or "--decompress" or "--uncompress":
                    decode = true;
                    break;
                case "-c" or "--stdout" or "-q" or "--quiet":
                    break;
                case "--level" or "-l":
                    try
                    {
                        CodecOptions.ParseLevel(_name, Value(arguments, ref i, inline, a), out level, out quality);
                    }
                    catch (ComponentArgumentException ex)
                    {
                        throw new StageFailedException(ex.Message, 2);
                    }

                    break;
                case "--max":
                    string text = Value(arguments, ref i, inline, a);
                    max = ComponentArguments.ParseSize(text) is long m && m > 0
                        ? m
                        : throw new StageFailedException($"{_name}: --max: '{text}' is not a size (such as 64K or 16M)", 2);
                    break;
                default:
                    if (a.Length >= 2 && a.Length <= 3 && int.TryParse(a.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                    {
                        quality = n;
                        break;
                    }

                    throw new StageFailedException($"{_name}: unknown option '{arguments[i]}'", 2);
            }
        }

        var options = new CodecOptions { Level = level, Quality = quality, MaxDecodedSize = max };
        try
        {
            _codec.Validate(options);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new StageFailedException($"{_name}: {ex.Message.Split(" (Parameter", 2)[0]}", 2);
        }

        return options;
    }

    private string Value(IReadOnlyList<string> arguments, ref int i, string? inline, string option)
    {
        if (inline is not null)
        {
            return inline;
        }

        if (i + 1 >= arguments.Count)
        {
            throw new StageFailedException($"{_name}: {option} needs a value", 2);
        }

        return arguments[++i];
    }
}
