using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text;
using Streams.Modules.Text.Internal;
using Streams.Pipelines;

namespace Streams.Modules.Text;

/// <summary><c>--color</c>: GNU's SGR sequences around names, separators, numbers, matches and lines.</summary>
internal sealed partial class GrepCommand
{
    // The colours when the output is coloured, else null.
    private GrepColors? _colors;

    // Decides on colour for this run (auto: stdout is the shell's own, a terminal, and TERM is not dumb); GNU warns
    // when the deprecated GREP_COLOR is what sets the match colour.
    private async ValueTask ChooseColorsAsync(StageContext context)
    {
        bool wanted = _options.Color switch
        {
            GrepColor.Always => true,
            GrepColor.Auto => context.OutputDescriptor is int fd && IsTerminal(fd) == 1
                && context.Environment.TryGetValue("TERM", out string? term) && term.Length > 0 && term != "dumb",
            _ => false,
        };
        _colors = wanted ? GrepColors.From(context.Environment) : null;
        if (_colors?.LegacyInEffect is string legacy)
        {
            await context.WriteErrorLineAsync($"grep: warning: GREP_COLOR='{legacy}' is deprecated; use GREP_COLORS='mt={legacy}'").ConfigureAwait(false);
        }
    }

    // A piece of output in a colour (plain without colours).
    private void WriteColored(PipeWriter output, ReadOnlySpan<byte> text, string? color)
    {
        if (_colors is null || color is null)
        {
            output.Write(text);
            return;
        }

        _colors.Start(output, color);
        output.Write(text);
        _colors.End(output, color);
    }

    private void WriteSeparator(PipeWriter output, byte separator) => WriteColored(output, [separator], _colors?.Separator);

    // The text of a selected (or context) line, as GNU's prline colours it: the matches of a line that matches in
    // the match colour, what lies before each in the line colour, and the rest (but a final CR) in the line
    // colour; plain without colours.
    private void WriteLineText(PipeWriter output, ReadOnlySpan<byte> text, bool selected)
    {
        if (_colors is not GrepColors colors)
        {
            output.Write(text);
            return;
        }

        bool matching = selected ^ _options.Invert;
        string lineColor = selected ^ (_options.Invert && colors.Reverse) ? colors.SelectedLine : colors.ContextLine;
        string matchColor = selected ? colors.SelectedMatch : colors.ContextMatch;
        int done = 0;
        if (matching && matchColor.Length > 0 && _regex is not null)
        {
            string line = Encoding.Latin1.GetString(text);
            int pos = 0;
            while (NextMatch(line, ref pos, out int start, out int end))
            {
                colors.Start(output, lineColor);
                output.Write(text[done..start]);
                colors.Start(output, matchColor);
                output.Write(text[start..end]);
                colors.End(output, matchColor);
                done = end;
            }
        }

        int tail = text.Length - done - (text.Length > done && text[^1] == (byte)'\r' ? 1 : 0);
        if (lineColor.Length > 0 && tail > 0)
        {
            colors.Start(output, lineColor);
            output.Write(text.Slice(done, tail));
            colors.End(output, lineColor);
            done += tail;
        }

        output.Write(text[done..]);
    }

    [LibraryImport("libc.so.6", EntryPoint = "isatty")]
    private static partial int IsTerminal(int fd);
}
