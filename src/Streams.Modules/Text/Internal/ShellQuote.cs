namespace Streams.Modules.Text.Internal;

/// <summary>Quotes bytes for reuse as shell input as GNU's <c>printf %q</c> does in the C locale (gnulib's
/// <c>quotearg</c>, shell-escape style): as they are when nothing in them is special; else in single quotes, with
/// <c>'\''</c> for a single quote and <c>$'…'</c> segments for control and non-ASCII bytes (<c>\t</c>,
/// <c>\351</c>); in double quotes instead when a single quote is all that needs quoting (<c>"it's"</c>).</summary>
internal static class ShellQuote
{
    /// <summary>The quoted form of <paramref name="arg"/>.</summary>
    public static byte[] Quote(ReadOnlySpan<byte> arg)
    {
        if (arg.Length == 0)
        {
            return "''"u8.ToArray();
        }

        bool needsQuotes = false, singleQuote = false, doubleQuotable = true;
        for (int i = 0; i < arg.Length; i++)
        {
            switch (Kind(arg, i))
            {
                case CharKind.Plain:
                    break;
                case CharKind.PlainNotInDoubleQuotes:
                    doubleQuotable = false;
                    break;
                case CharKind.Compatible:
                    needsQuotes = true;
                    break;
                case CharKind.SingleQuote:
                    needsQuotes = true;
                    singleQuote = true;
                    break;
                default:
                    needsQuotes = true;
                    doubleQuotable = false;
                    break;
            }
        }

        if (!needsQuotes)
        {
            return arg.ToArray();
        }

        var output = new List<byte>(arg.Length + 8);
        if (singleQuote && doubleQuotable)
        {
            // Only blanks, single quotes and characters that mean nothing inside double quotes.
            output.Add((byte)'"');
            output.AddRange(arg);
            output.Add((byte)'"');
            return [.. output];
        }

        // gnulib writes the single-quoted form twice when it holds a single quote (a first pass to see whether a
        // shorter form exists), and the second pass starts in the state the first ended in: inside a $'…' segment
        // when the argument ended in one, so its start gets no $' of its own, or an empty '' before a plain byte.
        bool escaping = singleQuote && SingleQuoted(arg, false, []);
        output.Add((byte)'\'');
        SingleQuoted(arg, escaping, output);
        output.Add((byte)'\'');
        return [.. output];
    }

    // Appends the inside of the single-quoted form; returns whether it ended inside a $'…' segment.
    private static bool SingleQuoted(ReadOnlySpan<byte> arg, bool escaping, List<byte> output)
    {
        foreach (byte c in arg)
        {
            if (Escape(c) is string escape)
            {
                if (!escaping)
                {
                    // Out of the single-quoted text and into a $'…' segment.
                    output.AddRange("'$'"u8);
                    escaping = true;
                }

                foreach (char e in escape)
                {
                    output.Add((byte)e);
                }

                continue;
            }

            if (c == '\'')
            {
                // Closes the current segment ('…' or $'…'), an escaped quote, and a new '…' segment.
                output.AddRange("'\\''"u8);
                escaping = false;
                continue;
            }

            if (escaping)
            {
                output.AddRange("''"u8);
                escaping = false;
            }

            output.Add(c);
        }

        return escaping;
    }

    private enum CharKind
    {
        /// <summary>Needs no quoting.</summary>
        Plain,

        /// <summary>Needs no quoting here, but GNU does not put it in double quotes (<c>#</c> and <c>~</c> past the
        /// start, a brace that is not alone).</summary>
        PlainNotInDoubleQuotes,

        /// <summary>Needs quoting, and means the same inside double quotes (a blank).</summary>
        Compatible,

        /// <summary>A single quote.</summary>
        SingleQuote,

        /// <summary>Needs quoting, and cannot go in double quotes as it is.</summary>
        Special,
    }

    private static CharKind Kind(ReadOnlySpan<byte> arg, int i)
    {
        byte c = arg[i];
        if (Escape(c) is not null)
        {
            return CharKind.Special;
        }

        return c switch
        {
            (byte)' ' => CharKind.Compatible,
            (byte)'\'' => CharKind.SingleQuote,

            // Special at the start of a word only (a comment, a tilde), or alone (a brace).
            (byte)'#' or (byte)'~' => i == 0 ? CharKind.Compatible : CharKind.PlainNotInDoubleQuotes,
            (byte)'{' or (byte)'}' => arg.Length == 1 ? CharKind.Compatible : CharKind.PlainNotInDoubleQuotes,
            (byte)'!' or (byte)'"' or (byte)'$' or (byte)'&' or (byte)'(' or (byte)')' or (byte)'*' or (byte)';' or (byte)'<'
                or (byte)'=' or (byte)'>' or (byte)'[' or (byte)'^' or (byte)'`' or (byte)'|' or (byte)'?' or (byte)'\\' => CharKind.Special,
            _ => CharKind.Plain,
        };
    }

    // The $'…' escape of a byte that is not printable in the C locale, or null.
    private static string? Escape(byte c) => c switch
    {
        (byte)'\a' => "\\a",
        (byte)'\b' => "\\b",
        (byte)'\f' => "\\f",
        (byte)'\n' => "\\n",
        (byte)'\r' => "\\r",
        (byte)'\t' => "\\t",
        (byte)'\v' => "\\v",
        < 0x20 or >= 0x7f => "\\" + Convert.ToString(c, 8).PadLeft(3, '0'),
        _ => null,
    };
}
