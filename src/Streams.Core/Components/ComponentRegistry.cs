using System.Text;
using Streams.Pipelines;

namespace Streams.Components;

/// <summary>The components known by name: modules to push and commands to run (DESIGN.md, "Components").</summary>
/// <remarks>Register each component once at start-up (each library has an <c>Add…</c> extension); lookups
/// are thread-safe once registration is over. Names are case-sensitive, as commands are in sh.</remarks>
public sealed class ComponentRegistry
{
    private readonly Dictionary<string, ComponentDescriptor> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ComponentDescriptor> _byDecodeAlias = new(StringComparer.Ordinal);

    /// <summary>The components, in the order they were added.</summary>
    public IReadOnlyList<ComponentDescriptor> All => _all;

    private readonly List<ComponentDescriptor> _all = [];

    /// <summary>Adds a component.</summary>
    /// <exception cref="ArgumentException">A component of that name exists.</exception>
    public ComponentRegistry Add(ComponentDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (_byName.ContainsKey(descriptor.Name) || _byDecodeAlias.ContainsKey(descriptor.Name))
        {
            throw new ArgumentException($"A component named '{descriptor.Name}' is already registered.", nameof(descriptor));
        }

        _byName.Add(descriptor.Name, descriptor);
        foreach (string alias in descriptor.DecodeAliases)
        {
            _byDecodeAlias.Add(alias, descriptor);
        }

        _all.Add(descriptor);
        return this;
    }

    /// <summary>Finds a component by its name or a decode alias.</summary>
    /// <param name="name">The name.</param>
    /// <param name="descriptor">The component.</param>
    /// <param name="decode">Whether <paramref name="name"/> was a decode alias (such as <c>gunzip</c>).</param>
    public bool TryGet(string name, out ComponentDescriptor descriptor, out bool decode)
    {
        if (_byName.TryGetValue(name, out descriptor!))
        {
            decode = false;
            return true;
        }

        decode = true;
        return _byDecodeAlias.TryGetValue(name, out descriptor!);
    }

    /// <summary>Whether a component of that name (or decode alias) exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name) || _byDecodeAlias.ContainsKey(name);

    /// <summary>Creates a module from a line such as <c>line --max 1024</c> (words split as sh splits them, with
    /// single and double quotes).</summary>
    /// <exception cref="ComponentArgumentException">An unknown component or bad arguments.</exception>
    public StreamModule CreateModule(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        IReadOnlyList<string> words = SplitWords(commandLine);
        if (words.Count == 0)
        {
            throw new ComponentArgumentException("modules", "an empty module name");
        }

        return CreateModule(words[0], words.Skip(1).ToArray());
    }

    /// <summary>Creates a module by name from argument words.</summary>
    /// <exception cref="ComponentArgumentException">An unknown component or bad arguments.</exception>
    public StreamModule CreateModule(string name, IReadOnlyList<string> arguments)
    {
        if (!_byName.TryGetValue(name, out ComponentDescriptor? descriptor))
        {
            throw new ComponentArgumentException(name, "no such module (try 'modules')");
        }

        if (descriptor.CreateModule is null)
        {
            throw new ComponentArgumentException(name, "is a command and cannot be pushed onto a stream");
        }

        return descriptor.CreateModule(ComponentArguments.Parse(name, descriptor.Options, arguments));
    }

    /// <summary>Creates a pipeline stage for the command <paramref name="name"/>: the component's own command, or
    /// its module's write side (read side with <c>-d</c> or a decode alias) bridged to bytes.</summary>
    /// <exception cref="ComponentArgumentException">An unknown component or bad arguments.</exception>
    public PipelineStage CreateCommand(string name, IReadOnlyList<string> arguments)
    {
        if (!TryGet(name, out ComponentDescriptor descriptor, out bool decode))
        {
            throw new ComponentArgumentException(name, "command not found");
        }

        if (descriptor.CreateCommand is not null)
        {
            return descriptor.CreateCommand(decode);
        }

        var options = descriptor.Options.Append(new OptionSpec("raw", OptionKind.Flag, "carry bytes, not one message per line")).ToArray();
        ComponentArguments parsed = ComponentArguments.Parse(descriptor.Name, options, arguments);
        return new ModuleCommand(descriptor, parsed, decode || parsed.Decode, parsed.GetFlag("raw"));
    }

    /// <summary>The help text of every component, one line each, as <c>modules</c> prints it.</summary>
    public string Describe(bool modulesOnly)
    {
        var text = new StringBuilder();
        foreach (ComponentDescriptor d in _all.Where(d => !modulesOnly || d.CreateModule is not null).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            text.Append(d.Name.PadRight(12)).Append(' ').Append(d.Summary).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Splits a module line into words, honouring single quotes, double quotes and backslashes.</summary>
    public static IReadOnlyList<string> SplitWords(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '\'')
            {
                int end = line.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new ComponentArgumentException("modules", $"unterminated quote in '{line}'");
                }

                word.Append(line, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                i++;
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                    }

                    word.Append(line[i++]);
                }

                if (i >= line.Length)
                {
                    throw new ComponentArgumentException("modules", $"unterminated quote in '{line}'");
                }
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
