using System.Text;

namespace Streams.Modules.Text.Regex;

/// <summary>Writes a <see cref="PosixNode"/> tree as a .NET pattern with the same set of matching lines.</summary>
/// <remarks>
/// The text is matched as Latin-1 chars (one per byte), so every set is written as explicit ranges of
/// <c>\u00XX</c> and case folding is done by the sets rather than by <c>RegexOptions.IgnoreCase</c> (which would fold
/// Latin-1 letters the C locale leaves alone). Anchors become <c>\A</c> / <c>\z</c> (the subject is one line or the
/// pattern space, never several); GNU's word assertions become lookarounds over <c>[A-Za-z0-9_]</c>.
/// .NET numbers capturing groups by their opening parenthesis as POSIX does, so back-references carry over.
/// The relaxed form drops word assertions and lets a back-reference match any text: it matches wherever the pattern
/// does (and maybe elsewhere) and is accepted by <see cref="System.Text.RegularExpressions.RegexOptions.NonBacktracking"/>,
/// which makes it a linear-time filter for patterns only the Pike VM or backtracking can match exactly.
/// </remarks>
internal static class DotNetTranslator
{
    private const string Word = "[A-Za-z0-9_]";

    /// <summary>The .NET pattern for <paramref name="node"/>, or with <paramref name="relaxed"/> one that matches
    /// at least wherever it does, without lookarounds or back-references.</summary>
    public static string Translate(PosixNode node, bool relaxed = false)
    {
        var sb = new StringBuilder();
        Write(sb, node, relaxed);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, PosixNode node, bool relaxed)
    {
        switch (node)
        {
            case SetNode set:
                set.Set.AppendDotNet(sb);
                break;
            case ConcatNode concat:
                foreach (PosixNode item in concat.Items)
                {
                    if (item is AlternationNode)
                    {
                        sb.Append("(?:");
                        Write(sb, item, relaxed);
                        sb.Append(')');
                    }
                    else
                    {
                        Write(sb, item, relaxed);
                    }
                }

                break;
            case AlternationNode alt:
                for (int i = 0; i < alt.Branches.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append('|');
                    }

                    Write(sb, alt.Branches[i], relaxed);
                }

                break;
            case GroupNode group:
                sb.Append('(');
                Write(sb, group.Body, relaxed);
                sb.Append(')');
                break;
            case RepeatNode repeat:
                sb.Append("(?:");
                Write(sb, repeat.Body, relaxed);
                sb.Append(')');
                if (repeat.Max < 0)
                {
                    sb.Append(repeat.Min switch { 0 => "*", 1 => "+", _ => "{" + repeat.Min + ",}" });
                }
                else if (repeat.Min == 0 && repeat.Max == 1)
                {
                    sb.Append('?');
                }
                else
                {
                    sb.Append('{').Append(repeat.Min);
                    if (repeat.Max != repeat.Min)
                    {
                        sb.Append(',').Append(repeat.Max);
                    }

                    sb.Append('}');
                }

                break;
            case AssertNode { Kind: not (AssertKind.Start or AssertKind.End) } when relaxed:
                break;
            case BackReferenceNode when relaxed:
                sb.Append("[\\s\\S]*");
                break;
            case AssertNode assert:
                sb.Append(assert.Kind switch
                {
                    AssertKind.Start => "\\A",
                    AssertKind.End => "\\z",
                    AssertKind.WordStart => $"(?<!{Word})(?={Word})",
                    AssertKind.WordEnd => $"(?<={Word})(?!{Word})",
                    AssertKind.WordBoundary => $"(?:(?<={Word})(?!{Word})|(?<!{Word})(?={Word}))",
                    AssertKind.NotWordBoundary => $"(?:(?<={Word})(?={Word})|(?<!{Word})(?!{Word}))",
                    AssertKind.NoWordBefore => $"(?<!{Word})",
                    AssertKind.NoWordAfter => $"(?!{Word})",
                    _ => throw new InvalidOperationException(),
                });
                break;
            case BackReferenceNode backReference:
                // .NET's case-insensitive back-reference also folds Latin-1 letters (é/É), which C does not.
                sb.Append(backReference.IgnoreCase ? "(?i:\\" : "(?:\\").Append(backReference.Index).Append(')');
                break;
            default:
                throw new InvalidOperationException("unknown node " + node);
        }
    }
}
