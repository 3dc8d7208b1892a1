using System.Text;

namespace Streams.Modules.Text.Internal;

/// <summary>Backslash escapes as GNU echo -e, printf's format and printf %b read them.</summary>
internal static class Escapes
{
    /// <summary>Interprets the escape at <paramref name="text"/>[<paramref name="i"/>] (the byte after the
    /// backslash), appends its bytes and moves <paramref name="i"/> past it. Returns false for <c>\c</c>
    /// (stop all output). <paramref name="octalZero"/> selects echo/%b octal (<c>\0NNN</c>) over printf's
    /// (<c>\NNN</c>); <paramref name="echo"/> selects echo's rules (no <c>\"</c>, <c>\u</c>; like %b, <c>\NNN</c> as well as
    /// <c>\0NNN</c>).</summary>
    public static bool Append(List<byte> output, byte[] text, ref int i, bool octalZero, bool echo)
    {
        byte c = text[i];
        switch ((char)c)
        {
            case 'a': output.Add(7); break;
            case 'b': output.Add(8); break;
            case 'c': return false;
            case 'e': output.Add(27); break;
            case 'f': output.Add(12); break;
            case 'n': output.Add(10); break;
            case 'r': output.Add(13); break;
            case 't': output.Add(9); break;
            case 'v': output.Add(11); break;
            case '\\': output.Add((byte)'\\'); break;
            case '"' when !echo: output.Add((byte)'"'); break;
            case 'x' when i + 1 < text.Length && IsHex(text[i + 1]):
                int hex = 0;
                for (int k = 0; k < 2 && i + 1 < text.Length && IsHex(text[i + 1]); k++)
                {
                    hex = hex * 16 + HexValue(text[++i]);
                }

                output.Add((byte)hex);
                break;
            case >= '0' and <= '7':
                int max = 3;
                int value = 0;
                if (octalZero && c == '0')
                {
                    max = 3;
                }
                else
                {
                    value = c - '0';
                    max = 2;
                }

                for (int k = 0; k < max && i + 1 < text.Length && text[i + 1] is >= (byte)'0' and <= (byte)'7'; k++)
                {
                    value = value * 8 + (text[++i] - '0');
                }

                output.Add((byte)value);
                break;
            case 'u' or 'U' when !echo && i + 1 < text.Length && IsHex(text[i + 1]):
                int digits = c == 'u' ? 4 : 8;
                int code = 0;
                for (int k = 0; k < digits && i + 1 < text.Length && IsHex(text[i + 1]); k++)
                {
                    code = code * 16 + HexValue(text[++i]);
                }

                // In the C locale GNU printf cannot encode a non-ASCII character and prints the escape back.
                if (code < 0x80)
                {
                    output.Add((byte)code);
                }
                else
                {
                    output.AddRange(Encoding.ASCII.GetBytes(c == 'u' ? $"\\u{code:X4}" : $"\\U{code:X8}"));
                }

                break;
            default:
                output.Add((byte)'\\');
                output.Add(c);
                break;
        }

        i++;
        return true;
    }

    /// <summary>printf's escapes that GNU refuses (and exits on): <c>\x</c> without a hexadecimal digit,
    /// <c>\u</c> or <c>\U</c> without 4 or 8 of them, or naming a character below U+00A0 (but $ @ `) or a
    /// surrogate. <paramref name="i"/> is the byte after the backslash. Returns the message, or null.</summary>
    public static string? PrintfError(byte[] text, int i)
    {
        byte c = text[i];
        if (c == 'x' && !(i + 1 < text.Length && IsHex(text[i + 1])))
        {
            return "missing hexadecimal number in escape";
        }

        if (c is not ((byte)'u' or (byte)'U'))
        {
            return null;
        }

        int digits = c == 'u' ? 4 : 8;
        long code = 0;
        for (int k = 1; k <= digits; k++)
        {
            if (i + k >= text.Length || !IsHex(text[i + k]))
            {
                return "missing hexadecimal number in escape";
            }

            code = code * 16 + HexValue(text[i + k]);
        }

        return (code <= 0x9f && code is not (0x24 or 0x40 or 0x60)) || code is >= 0xd800 and <= 0xdfff
            ? $"invalid universal character name \\{(char)c}{code.ToString(c == 'u' ? "x4" : "x8", System.Globalization.CultureInfo.InvariantCulture)}"
            : null;
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
