using System.Text;
using Streams.Modules.Text.Regex;

namespace Streams.Modules.Text;

/// <summary>The <c>s</c> command: matching, the replacement with its case conversions, and the flags.</summary>
internal sealed partial class SedCommand
{
    /// <summary>The s command with its flags: p (before or after e), e, and w.</summary>
    private async ValueTask<(string Space, bool Newline)> SubstituteCommandAsync(SedInstruction instruction, string space, bool newline)
    {
        if (!Substitute(instruction, ref space, newline))
        {
            return (space, newline);
        }

        _replaced = true;
        if (instruction.Print == 1)
        {
            _out.WriteLine(space, newline, _delimiter);
        }

        if (instruction.Evaluate)
        {
            (space, newline) = await EvaluateAsync(space, newline).ConfigureAwait(false);
        }

        if (instruction.Print == 2)
        {
            _out.WriteLine(space, newline, _delimiter);
        }

        instruction.Output?.WriteLine(space, newline, _delimiter);
        return (space, newline);
    }

    /// <summary>Applies an s command; true when something was replaced.</summary>
    private bool Substitute(SedInstruction instruction, ref string space, bool newline)
    {
        PosixRegex regex = Use(instruction.Regex);
        int slots = 2 * (regex.GroupCount + 1);
        if (_captures.Length < slots)
        {
            _captures = new int[slots];
        }

        string text = space;
        StringBuilder? result = null;
        int copied = 0;
        int count = 0;
        int previousEnd = -1;
        int pos = 0;
        while (pos <= text.Length && regex.Match(text, pos, _captures))
        {
            int start = _captures[0];
            int end = _captures[1];
            if (start == end && start == previousEnd)
            {
                // POSIX: no empty match right where the previous match ended.
                pos = start + 1;
                continue;
            }

            if (count == 0 && !(instruction.Replacement.Count == 0 && instruction.Occurrence <= 1
                && ((start == 0 && !instruction.Global) || end == text.Length)))
            {
                // GNU builds the result in its scratch line and swaps the two, "chomped" flags included (see
                // EvaluateAsync); its shortcut for s/^x// and s/x$// does not.
                _accumNewline = newline;
            }

            count++;
            if (count >= instruction.Occurrence)
            {
                result ??= new StringBuilder(text.Length + 16);
                result.Append(text, copied, start - copied);
                AppendReplacement(result, instruction.Replacement, text);
                copied = end;
                if (!instruction.Global)
                {
                    break;
                }
            }

            previousEnd = end;
            pos = end == start ? end + 1 : end;
        }

        if (result is null)
        {
            return false;
        }

        result.Append(text, copied, text.Length - copied);
        space = result.ToString();
        return true;
    }

    private void AppendReplacement(StringBuilder sb, List<SedReplacementPart> parts, string text)
    {
        char mode = '\0';
        char once = '\0';
        foreach (SedReplacementPart part in parts)
        {
            if (part.CaseOp != '\0')
            {
                if (part.CaseOp is 'l' or 'u')
                {
                    once = part.CaseOp;
                }
                else
                {
                    mode = part.CaseOp == 'E' ? '\0' : part.CaseOp;
                    once = '\0';
                }

                continue;
            }

            string piece;
            if (part.Text is not null)
            {
                piece = part.Text;
            }
            else
            {
                int s = _captures[2 * part.Group];
                int e = _captures[(2 * part.Group) + 1];
                piece = s < 0 ? string.Empty : text[s..e];
            }

            if (mode == '\0' && once == '\0')
            {
                sb.Append(piece);
                continue;
            }

            for (int i = 0; i < piece.Length; i++)
            {
                char c = piece[i];
                c = mode == 'U' ? ToUpper(c) : mode == 'L' ? ToLower(c) : c;
                if (once != '\0')
                {
                    c = once == 'u' ? ToUpper(c) : ToLower(c);
                    once = '\0';
                }

                sb.Append(c);
            }
        }
    }

    private static char ToUpper(char c) => char.IsAsciiLetterLower(c) ? (char)(c - 32) : c;

    private static char ToLower(char c) => char.IsAsciiLetterUpper(c) ? (char)(c + 32) : c;
}
