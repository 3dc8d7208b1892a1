using System.Text;

namespace Streams.Modules.Text.Regex;

/// <summary>Writes a <see cref="PosixNode"/> tree as a .NET pattern with the same set of matching lines.</summary>
/// <remarks>
/// The text is matched as Latin-1 chars (one per byte), so every set is written as explicit ranges of
/// <c>\u00XX</c> and case folding is done by the sets rather than by <c>RegexOptions.IgnoreCase</c> (which would fold
/// Latin-1 letters the C locale leaves alone). Anchors become <c>\A</c> / <c>\z</c> (the subject is one line or the
/// pattern space, never several); GNU's word assertions become lookarounds over <c>[A-Za-z0-9_]</c>.
/// .NET numbers capturing groups by their opening parenthesis as POSIX does, so back-references carry over.
/// </remarks>
internal static class DotNetTranslator
{
    private const string Word = "[A-Za-z0-9_]";

    /// <summary>The .NET pattern for <paramref name="node"/>.</summary>
    public static string Translate(PosixNode node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, PosixNode node)
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
                        Write(sb, item);
                        sb.Append(')');
                    }
                    else
                    {
                        Write(sb, item);
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

                    Write(sb, alt.Branches[i]);
                }

                break;
            case GroupNode group:
                sb.Append('(');
                Write(sb, group.Body);
                sb.Append(')');
                break;
            case RepeatNode repeat:
                sb.Append("(?:");
                Write(sb, repeat.Body);
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
