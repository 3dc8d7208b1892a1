using Streams.Components;

namespace Streams.Modules;

/// <summary>Registers the stock stream modules (framing, compression, protocol and utility modules).</summary>
public static partial class StreamModules
{
    /// <summary>Adds every stock module to <paramref name="registry"/>.</summary>
    public static ComponentRegistry AddStreamModules(this ComponentRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        AddFraming(registry);
        AddCompression(registry);
        AddProtocol(registry);
        AddTls(registry);
        return registry;
    }

    static partial void AddFraming(ComponentRegistry registry);

    static partial void AddCompression(ComponentRegistry registry);

    static partial void AddProtocol(ComponentRegistry registry);

    static partial void AddTls(ComponentRegistry registry);

    // Option values are checked by the typed options and the modules; their complaints become argument errors
    // naming the component.
    private static StreamModule Build(ComponentArguments arguments, Func<StreamModule> create)
    {
        try
        {
            return create();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            throw ArgumentError(arguments, ex);
        }
    }

    // An argument error in the user's words: one line naming the component, without the runtime's
    // " (Parameter 'name')" and "Actual value was …" tails, which speak to programmers. A ComponentArgumentException
    // is in the user's words already (wrapping it again would name the component twice).
    private static ComponentArgumentException ArgumentError(ComponentArguments arguments, Exception error)
    {
        if (error is ComponentArgumentException done)
        {
            return done;
        }

        string message = error.Message;
        int cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        message = cut >= 0 ? message[..cut] : message;
        cut = message.IndexOfAny(['\r', '\n']);
        message = cut >= 0 ? message[..cut] : message;
        return new ComponentArgumentException(arguments.Component, message);
    }

    private static int IntegerToInt(ComponentArguments arguments, string name, int defaultValue)
    {
        long value = arguments.GetInteger(name, defaultValue);
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new ArgumentOutOfRangeException(name, value, $"--{name}: {value} is out of range");
    }
}
