using System.IO.Compression;
using Streams.Components;
using Streams.Modules.Compression;

namespace Streams.Modules;

public static partial class StreamModules
{
    static partial void AddCompression(ComponentRegistry registry)
    {
        AddCodec(registry, "gzip", ["gunzip"], "gzip compression (RFC 1952): compress going down, decompress coming up", "0..9", "gzip -c, gzip -d / gunzip (concatenated members too)", o => new GzipModule(o));
        AddCodec(registry, "zlib", [], "zlib compression (RFC 1950): compress going down, decompress coming up", "0..9", "zlib-flate -compress / -uncompress", o => new ZlibModule(o));
        AddCodec(registry, "deflate", [], "raw deflate compression (RFC 1951), no header or trailer", "0..9", "the deflate data of zip entries and WebSocket permessage-deflate", o => new DeflateModule(o));
        AddCodec(registry, "brotli", ["unbrotli"], "Brotli compression (RFC 7932): compress going down, decompress coming up", "0..11", "brotli -c, brotli -d / unbrotli", o => new BrotliModule(o));
        AddCodec(registry, "zstd", ["unzstd"], "Zstandard compression (RFC 8878): compress going down, decompress coming up", "-7..22", "zstd -c, zstd -d / unzstd (concatenated frames too)", o => new ZstdModule(o));
    }

    private static void AddCodec(ComponentRegistry registry, string name, string[] aliases, string summary, string numbers, string likeTools, Func<CodecOptions, CodecModule> create)
    {
        Codec codec = Codec.Get(name);
        string decodeNames = aliases.Length > 0 ? $"{name} -d, {aliases[0]}" : $"{name} -d";
        registry.Add(new ComponentDescriptor
        {
            Name = name,
            Summary = summary,
            Help = $"""
                usage: {name} [--level fastest|optimal|smallest|no|N] [--max SIZE]
                       {decodeNames} [--max SIZE] [FILE]...   (as a command)

                On a stream, each message going down is compressed and flushed at once (a sync flush), so the far
                side can decode every message as soon as it arrives; a hangup going down ends the compressed stream
                properly. Coming up, compressed bytes in any chunking are decoded and passed up as they come; bad or
                truncated input fails the stream naming the compressed byte offset.

                As a command, it compresses stdin (or the FILEs) to stdout, or decompresses with -d, like
                {likeTools}. Bad input ends it with status 1 and a message such as
                "{(aliases.Length > 0 ? aliases[0] : name)}: stdin: not in {name} format"; so does input cut short
                anywhere, empty input included ("unexpected end of file"), and a trailer whose check is wrong.

                options:
                  --level L     fastest, optimal (default), smallest, no, or the codec's number ({numbers})
                  --max SIZE    the most bytes one incoming message may decode to on a stream (default 64M);
                                as a command, the most the whole output may reach (default: no limit): SIZE
                                bytes are written, then the error
                  -d, --decode  decompress (as a command)

                example: connect tcp:localhost:9000 -m line -m {name}
                         cat big.log | {name} --level fastest > big.log.{Extension(name)}
                """,
            Options =
            [
                new OptionSpec("level", OptionKind.Text, "fastest, optimal, smallest, no, or a number", "optimal"),
                new OptionSpec("max", OptionKind.Size, "the most bytes one incoming message may decode to", "64M"),
            ],
            DecodeAliases = aliases,
            CreateModule = a => CreateCodecModule(a, () =>
            {
                CodecOptions.ParseLevel(name, a.GetText("level", "optimal")!, out CompressionLevel level, out int? quality);
                return create(new CodecOptions
                {
                    Level = level,
                    Quality = quality,
                    MaxDecodedSize = a.GetSize("max", CodecOptions.DefaultModuleMaxDecodedSize),
                });
            }),
            CreateCommand = decode => new CodecCommand(codec, decode && aliases.Length > 0 ? aliases[0] : name, decode),
        });
    }

    // Bad option values become argument errors naming the component.
    private static StreamModule CreateCodecModule(ComponentArguments arguments, Func<StreamModule> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw ArgumentError(arguments, ex);
        }
    }

    private static string Extension(string name) => name switch
    {
        "gzip" => "gz",
        "brotli" => "br",
        "zstd" => "zst",
        "zlib" => "zz",
        _ => "deflate",
    };
}
