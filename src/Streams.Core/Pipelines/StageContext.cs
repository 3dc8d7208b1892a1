using System.IO.Pipelines;

namespace Streams.Pipelines;

/// <summary>What a running <see cref="PipelineStage"/> sees: stdin, stdout, stderr, arguments, environment,
/// working directory and a cancellation token.</summary>
/// <remarks>The pipes belong to the pipeline; the stage reads and writes them but need not complete them.</remarks>
public sealed class StageContext
{
    /// <summary>Creates a context.</summary>
    public StageContext(
        PipeReader input,
        PipeWriter output,
        PipeWriter error,
        IReadOnlyList<string>? arguments = null,
        IDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        Input = input;
        Output = output;
        Error = error;
        Arguments = arguments ?? [];
        Environment = environment ?? new Dictionary<string, string>(StringComparer.Ordinal);
        WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory();
        CancellationToken = cancellationToken;
    }

    /// <summary>Standard input.</summary>
    public PipeReader Input { get; }

    /// <summary>Standard output.</summary>
    public PipeWriter Output { get; }

    /// <summary>Standard error.</summary>
    public PipeWriter Error { get; }

    /// <summary>The arguments after the command name.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The environment variables the stage sees (exported shell variables and assignments).</summary>
    public IDictionary<string, string> Environment { get; }

    /// <summary>The working directory; relative paths are resolved against it.</summary>
    public string WorkingDirectory { get; }

    /// <summary>The size of stdin when it is a regular file (<c>&lt; FILE</c>), as <c>fstat</c> reports it; null
    /// for a pipe, a terminal or a device. GNU <c>wc</c> sizes its columns from it.</summary>
    public long? InputLength { get; init; }

    /// <summary>The process descriptor behind <see cref="Input"/> when the stage may read it directly, bypassing the
    /// reader (nothing has been read through <see cref="Input"/> yet, and the descriptor's offset is the stage's):
    /// the shell's own stdin. Null otherwise. <c>cat</c> uses it to copy in the kernel.</summary>
    public int? InputDescriptor { get; init; }

    /// <summary>The process descriptor behind <see cref="Output"/> when the stage may write it directly, bypassing
    /// the writer once the writer has nothing unflushed: the shell's own stdout. Null otherwise. A write that fails
    /// with EPIPE must end the stage with a <see cref="BrokenPipeException"/>.</summary>
    public int? OutputDescriptor { get; init; }

    /// <summary>The path of the file behind <see cref="Input"/> when the shell opened it (<c>&lt; FILE</c>); null
    /// otherwise. Read-only information: the stage still reads <see cref="Input"/>.</summary>
    public string? InputPath { get; init; }

    /// <summary>The path of the file behind <see cref="Output"/> when the shell opened it (<c>&gt; FILE</c>,
    /// <c>&gt;&gt; FILE</c>); null otherwise. Read-only information: the stage still writes <see cref="Output"/>.
    /// <c>cat</c> uses it, with <see cref="OutputDescriptor"/>, to refuse to copy a file into itself.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Signalled when the pipeline is cancelled (Ctrl-C) or stopped.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Resolves <paramref name="path"/> against <see cref="WorkingDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(WorkingDirectory, path));
}
