using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary>What goes out around the lines: prefixes (names, numbers, offsets), counts and names alone.</summary>
internal sealed partial class GrepCommand
{
    // One line of output with context: the prefixes, each followed by SEPARATOR (':' for a selected line, '-' for
    // context), and the text; an invisible one (-o) only counts as printed.
    private void WriteContextLine(PipeWriter output, string name, ReadOnlySpan<byte> text, long lineNumber, long lineOffset, byte separator, bool visible)
    {
        (_lastPrinted, _printedAny) = (lineNumber, true);
        if (!visible)
        {
            return;
        }

        WritePrefix(output, name, lineNumber, lineOffset, separator, text.Length);
        WriteLineText(output, text, selected: separator == (byte)':');
        output.Write([_eol]);
    }

    private void WriteCount(PipeWriter output, string name, long selected)
    {
        if (_withName)
        {
            WriteName(output, name);
            if (_options.NullAfterName)
            {
                output.Write("\0"u8);
            }
            else
            {
                WriteSeparator(output, (byte)':');
            }
        }

        output.WriteUtf8(selected.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    // What goes before a line (or a match, with -o) of TEXT bytes, as GNU's print_line_head: the name (then NUL with
    // -Z, else the separator), the line number and the byte offset (right-aligned with -T), each then the
    // separator; with -T, a tab before nonempty text that has a prefix.
    private void WritePrefix(PipeWriter output, string name, long lineNumber, long offset, byte separator, int text)
    {
        if (_withName)
        {
            WriteName(output, name);
            if (_options.NullAfterName)
            {
                output.Write("\0"u8);
            }
            else
            {
                WriteSeparator(output, separator);
            }
        }

        if (_options.LineNumbers)
        {
            WriteNumber(output, lineNumber, _numberWidth, _colors?.LineNumber);
            WriteSeparator(output, separator);
        }

        if (_options.ByteOffsets)
        {
            WriteNumber(output, offset, _offsetWidth, _colors?.ByteOffset);
            WriteSeparator(output, separator);
        }

        if (_options.InitialTab && text != 0 && (_withName || _options.LineNumbers || _options.ByteOffsets))
        {
            output.Write("\t"u8);
        }
    }

    // A number right-aligned in `width` columns (the padding inside the colour, as GNU's print_offset).
    private void WriteNumber(PipeWriter output, long value, int width, string? color)
    {
        Span<byte> digits = stackalloc byte[40];
        value.TryFormat(digits, out int n, default, CultureInfo.InvariantCulture);
        int pad = Math.Max(0, width - n);
        if (pad > 0)
        {
            digits[..n].CopyTo(digits[pad..]);
            digits[..pad].Fill((byte)' ');
        }

        WriteColored(output, digits[..(pad + n)], color);
    }

    private static int Digits(long value)
    {
        int digits = 1;
        for (; value >= 10; value /= 10)
        {
            digits++;
        }

        return digits;
    }

    private void WriteName(PipeWriter output, string name) => WriteColored(output, Encoding.UTF8.GetBytes(name), _colors?.FileName);
}
