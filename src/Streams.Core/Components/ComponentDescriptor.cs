using Streams.Pipelines;

namespace Streams.Components;

/// <summary>A component registered once by name: a module that can be pushed onto a stream, a command that
/// runs in a pipeline, or both (DESIGN.md, "Components").</summary>
/// <remarks>
/// <para>A component with <see cref="CreateModule"/> can be pushed onto a stream (<c>stream.Push("gzip --level
/// fastest")</c>) and, unless it has its own <see cref="CreateCommand"/>, run as a pipeline command: its write
/// side by default, its read side with <c>-d</c>/<c>--decode</c> or under a <see cref="DecodeAliases"/> name.</para>
/// <para>A component with <see cref="CreateCommand"/> runs as that command; the stage reads its arguments from
/// <see cref="StageContext.Arguments"/> and parses them itself (GNU conventions for the text commands).</para>
/// </remarks>
public sealed class ComponentDescriptor
{
    /// <summary>The name, such as <c>line</c> or <c>grep</c>.</summary>
    public required string Name { get; init; }

    /// <summary>One line of help, shown by <c>modules</c> and <c>help</c>.</summary>
    public required string Summary { get; init; }

    /// <summary>The full help: usage, options with their defaults, and examples.</summary>
    public required string Help { get; init; }

    /// <summary>The options a module takes (used to parse <c>line --max 1K</c>); empty for a command that
    /// parses its own arguments.</summary>
    public IReadOnlyList<OptionSpec> Options { get; init; } = [];

    /// <summary>Other names that run the read side (decode) in a pipeline, such as <c>gunzip</c>.</summary>
    public IReadOnlyList<string> DecodeAliases { get; init; } = [];

    /// <summary>Whether the head side of the module carries messages (a framer: one line of a byte pipe becomes
    /// one message) rather than bytes (a codec).</summary>
    public bool MessagesAtHead { get; init; }

    /// <summary>Creates a fresh module from parsed arguments, or null when this component is only a command.</summary>
    public Func<ComponentArguments, StreamModule>? CreateModule { get; init; }

    /// <summary>Creates a fresh pipeline stage, or null to run the module's sides as a command.</summary>
    /// <remarks>The bool says whether the read side (decode) was asked for by name (a decode alias).</remarks>
    public Func<bool, PipelineStage>? CreateCommand { get; init; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
