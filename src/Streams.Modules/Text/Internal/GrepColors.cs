using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Streams.Modules.Text.Internal;

/// <summary>The SGR sequences of <c>grep --color</c>, GNU's defaults changed by <c>GREP_COLORS</c> (and the
/// deprecated <c>GREP_COLOR</c>) as GNU grep 3.8 reads them.</summary>
/// <remarks>Each colour is the inside of an SGR sequence (<c>01;31</c>); an empty one writes nothing. A colour
/// starts with <c>ESC [ colour m ESC [ K</c> and ends with <c>ESC [ m ESC [ K</c>, without the <c>ESC [ K</c>
/// under the <c>ne</c> capability.</remarks>
internal sealed class GrepColors
{
    /// <summary>ms: a match in a selected line.</summary>
    public string SelectedMatch { get; private set; } = "01;31";

    /// <summary>mc: a match in a context line.</summary>
    public string ContextMatch { get; private set; } = "01;31";

    /// <summary>sl: the rest of a selected line.</summary>
    public string SelectedLine { get; private set; } = "";

    /// <summary>cx: the rest of a context line.</summary>
    public string ContextLine { get; private set; } = "";

    /// <summary>fn: a file name.</summary>
    public string FileName { get; private set; } = "35";

    /// <summary>ln: a line number.</summary>
    public string LineNumber { get; private set; } = "32";

    /// <summary>bn: a byte offset.</summary>
    public string ByteOffset { get; private set; } = "32";

    /// <summary>se: a separator (<c>:</c>, <c>-</c>, <c>--</c>).</summary>
    public string Separator { get; private set; } = "36";

    /// <summary>rv: with <c>-v</c>, sl and cx trade places.</summary>
    public bool Reverse { get; private set; }

    /// <summary>ne: no erase-to-end-of-line after a sequence.</summary>
    public bool NoErase { get; private set; }

    /// <summary>The value of <c>GREP_COLOR</c> when it is in effect (GNU then warns that it is deprecated).</summary>
    public string? LegacyInEffect { get; private set; }

    /// <summary>The colours for an environment: <c>GREP_COLOR</c> (only when it is all digits and semicolons) sets
    /// both match colours, then <c>GREP_COLORS</c> is read up to its first malformed entry.</summary>
    public static GrepColors From(IDictionary<string, string> environment)
    {
        var colors = new GrepColors();
        if (environment.TryGetValue("GREP_COLOR", out string? legacy) && legacy.Length > 0 && legacy.All(c => c == ';' || char.IsAsciiDigit(c)))
        {
            colors.SelectedMatch = colors.ContextMatch = legacy;
        }

        if (environment.TryGetValue("GREP_COLORS", out string? capabilities) && capabilities.Length > 0)
        {
            colors.Parse(capabilities);
        }

        if (legacy is not null && legacy.Length > 0 && ((object)colors.SelectedMatch == legacy || (object)colors.ContextMatch == legacy))
        {
            colors.LegacyInEffect = legacy;
        }

        return colors;
    }

    /// <summary>Writes the start of <paramref name="color"/> (nothing when it is empty).</summary>
    public void Start(PipeWriter output, string color)
    {
        if (color.Length > 0)
        {
            output.Write("\u001b["u8);
            output.Write(Encoding.ASCII.GetBytes(color));
            output.Write(NoErase ? "m"u8 : "m\u001b[K"u8);
        }
    }

    /// <summary>Writes the end of <paramref name="color"/> (nothing when it is empty).</summary>
    public void End(PipeWriter output, string color)
    {
        if (color.Length > 0)
        {
            output.Write(NoErase ? "\u001b[m"u8 : "\u001b[m\u001b[K"u8);
        }
    }

    // name=value and boolean names, separated by ':'; a value holds only digits and ';'. Unknown names are skipped
    // (for later versions); anything malformed ends the reading, keeping what came before it.
    private void Parse(string text)
    {
        foreach (string entry in text.Split(':'))
        {
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? entry : entry[..eq];
            string? value = eq < 0 ? null : entry[(eq + 1)..];
            if ((eq == 0) || (value is not null && !value.All(c => c == ';' || char.IsAsciiDigit(c))))
            {
                return;
            }

            Apply(name, value);
        }
    }

    private void Apply(string name, string? value)
    {
        switch (name)
        {
            case "rv": Reverse = true; return;
            case "ne": NoErase = true; return;
        }

        if (value is null)
        {
            return;
        }

        switch (name)
        {
            case "mt": SelectedMatch = ContextMatch = value; break;
            case "ms": SelectedMatch = value; break;
            case "mc": ContextMatch = value; break;
            case "sl": SelectedLine = value; break;
            case "cx": ContextLine = value; break;
            case "fn": FileName = value; break;
            case "ln": LineNumber = value; break;
            case "bn": ByteOffset = value; break;
            case "se": Separator = value; break;
        }
    }
}
