using System.Globalization;

namespace Streams.Components;

/// <summary>The parsed arguments of a component: options by name and positional words.</summary>
/// <remarks>Parse with <see cref="Parse"/>; read with the typed getters, which return the default when the
/// option was not given. Sizes and durations were validated while parsing.</remarks>
public sealed class ComponentArguments
{
    private readonly Dictionary<string, List<string>> _values;

    private ComponentArguments(string component, Dictionary<string, List<string>> values, IReadOnlyList<string> positionals, bool decode)
    {
        Component = component;
        _values = values;
        Positionals = positionals;
        Decode = decode;
    }

    /// <summary>The component's name.</summary>
    public string Component { get; }

    /// <summary>The words that are not options, in order.</summary>
    public IReadOnlyList<string> Positionals { get; }

    /// <summary>Whether <c>-d</c> / <c>--decode</c> was given (run the read side as a command).</summary>
    public bool Decode { get; }

    /// <summary>No arguments for <paramref name="component"/>.</summary>
    public static ComponentArguments Empty(string component) => new(component, new(StringComparer.Ordinal), [], false);

    /// <summary>Parses <paramref name="words"/> against <paramref name="options"/>.</summary>
    /// <exception cref="ComponentArgumentException">An unknown option, a missing or malformed value.</exception>
    public static ComponentArguments Parse(string component, IReadOnlyList<OptionSpec> options, IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(words);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var positionals = new List<string>();
        bool decode = false;
        bool onlyPositionals = false;
        for (int i = 0; i < words.Count; i++)
        {
            string word = words[i];
            if (onlyPositionals || word.Length < 2 || word[0] != '-')
            {
                positionals.Add(word);
                continue;
            }

            if (word == "--")
            {
                onlyPositionals = true;
                continue;
            }

            string name;
            string? inline = null;
            OptionSpec? spec;
            if (word.StartsWith("--", StringComparison.Ordinal))
            {
                name = word[2..];
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    inline = name[(eq + 1)..];
                    name = name[..eq];
                }

                spec = options.FirstOrDefault(o => o.Name == name);
            }
            else
            {
                name = word[1..];
                spec = name.Length == 1 ? options.FirstOrDefault(o => o.Short == name[0]) : null;
                if (spec is null && name.Length > 1 && options.FirstOrDefault(o => o.Short == name[0]) is { Kind: not OptionKind.Flag } attached)
                {
                    spec = attached;
                    inline = name[1..];
                }
            }

            if (spec is null)
            {
                if (name is "d" or "decode")
                {
                    decode = true;
                    continue;
                }

                if (double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    positionals.Add(word);
                    continue;
                }

                throw new ComponentArgumentException(component, $"unknown option '{word}'");
            }

            string value;
            if (spec.Kind == OptionKind.Flag)
            {
                if (inline is not null)
                {
                    throw new ComponentArgumentException(component, $"--{spec.Name} takes no value");
                }

                value = "true";
            }
            else if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < words.Count)
            {
                value = words[++i];
            }
            else
            {
                throw new ComponentArgumentException(component, $"--{spec.Name} needs a value");
            }

            Validate(component, spec, value);
            if (!values.TryGetValue(spec.Name, out List<string>? list))
            {
                values[spec.Name] = list = [];
            }
            else if (!spec.Repeatable)
            {
                list.Clear();
            }

            list.Add(value);
        }

        return new ComponentArguments(component, values, positionals, decode);
    }

    /// <summary>Whether the option was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The value of a flag.</summary>
    public bool GetFlag(string name) => _values.ContainsKey(name);

    /// <summary>The text of an option, or <paramref name="defaultValue"/>.</summary>
    public string? GetText(string name, string? defaultValue = null) => _values.TryGetValue(name, out List<string>? v) ? v[^1] : defaultValue;

    /// <summary>All values of a repeatable option.</summary>
    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out List<string>? v) ? v : [];

    /// <summary>The value of an integer option, or <paramref name="defaultValue"/>.</summary>
    public long GetInteger(string name, long defaultValue) => _values.TryGetValue(name, out List<string>? v) ? long.Parse(v[^1], CultureInfo.InvariantCulture) : defaultValue;

    /// <summary>The value of a size option in bytes, or <paramref name="defaultValue"/>.</summary>
    public long GetSize(string name, long defaultValue) => _values.TryGetValue(name, out List<string>? v) ? ParseSize(v[^1])!.Value : defaultValue;

    /// <summary>The value of a duration option, or <paramref name="defaultValue"/>.</summary>
    public TimeSpan GetDuration(string name, TimeSpan defaultValue) => _values.TryGetValue(name, out List<string>? v) ? ParseDuration(v[^1])!.Value : defaultValue;

    /// <summary>Parses a size such as <c>64K</c>, <c>16M</c>, <c>1G</c> or <c>100</c> (powers of 1024), or
    /// returns null.</summary>
    public static long? ParseSize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        long multiplier = 1;
        if (t.Length > 0)
        {
            char last = char.ToUpperInvariant(t[^1]);
            if (last == 'B' && t.Length > 1 && char.IsLetter(t[^2]))
            {
                t = t[..^1];
                last = char.ToUpperInvariant(t[^1]);
            }

            multiplier = last switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1 };
            if (multiplier != 1)
            {
                t = t[..^1];
            }
        }

        return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n <= long.MaxValue / multiplier ? n * multiplier : null;
    }

    /// <summary>Parses a duration such as <c>250ms</c>, <c>5s</c>, <c>2m</c> or <c>1.5</c> (seconds), or
    /// returns null.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        double scale = 1000;
        if (t.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
        {
            scale = 1;
            t = t[..^2];
        }
        else if (t.EndsWith('s') || t.EndsWith('S'))
        {
            t = t[..^1];
        }
        else if (t.EndsWith('m') || t.EndsWith('M'))
        {
            scale = 60_000;
            t = t[..^1];
        }

        // Beyond about 29,000 years TimeSpan overflows: such a value is no duration either.
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && n >= 0 && n * scale < MaxMilliseconds
            ? TimeSpan.FromMilliseconds(n * scale)
            : null;
    }

    private const double MaxMilliseconds = 0.999 * (long.MaxValue / TimeSpan.TicksPerMillisecond);

    private static void Validate(string component, OptionSpec spec, string value)
    {
        bool ok = spec.Kind switch
        {
            OptionKind.Integer => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            OptionKind.Size => ParseSize(value) is not null,
            OptionKind.Duration => ParseDuration(value) is not null,
            OptionKind.Choice => spec.Choices.Contains(value, StringComparer.Ordinal),
            _ => true,
        };
        if (!ok)
        {
            string what = spec.Kind switch
            {
                OptionKind.Integer => "a whole number",
                OptionKind.Size => "a size (such as 64K or 16M)",
                OptionKind.Duration => "a duration (such as 500ms or 5s)",
                _ => "one of " + string.Join(", ", spec.Choices),
            };
            throw new ComponentArgumentException(component, $"--{spec.Name}: '{value}' is not {what}");
        }
    }
}
