namespace Streams.Components;

/// <summary>The type of value an option takes.</summary>
public enum OptionKind
{
    /// <summary>A flag with no value (<c>--crlf</c>).</summary>
    Flag,

    /// <summary>A whole number (<c>--bytes 4</c>).</summary>
    Integer,

    /// <summary>A size with an optional K, M or G suffix, powers of 1024 (<c>--max 1M</c>).</summary>
    Size,

    /// <summary>A duration in seconds, or with a suffix ms, s, m (<c>--interval 5s</c>).</summary>
    Duration,

    /// <summary>Free text (<c>--file cert.pem</c>).</summary>
    Text,

    /// <summary>One of <see cref="OptionSpec.Choices"/>.</summary>
    Choice,
}

/// <summary>One option a component accepts.</summary>
/// <param name="Name">The long name without dashes, such as <c>max</c>.</param>
/// <param name="Kind">What value it takes.</param>
/// <param name="Description">One line of help.</param>
/// <param name="Default">The default as text (shown in help), or null.</param>
public sealed record OptionSpec(string Name, OptionKind Kind, string Description, string? Default = null)
{
    /// <summary>A one-letter alias without the dash, such as <c>d</c>.</summary>
    public char? Short { get; init; }

    /// <summary>The allowed values of a <see cref="OptionKind.Choice"/>.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Whether the option may be given several times (values are kept in order).</summary>
    public bool Repeatable { get; init; }
}
