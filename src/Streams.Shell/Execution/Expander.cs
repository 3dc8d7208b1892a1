using System.Globalization;
using System.Text;
using Streams.Shell.Syntax;

namespace Streams.Shell.Execution;

/// <summary>Expands words: parameters, <c>~</c>, quote removal and globbing of unquoted glob characters.</summary>
/// <remarks>An expansion is never split again: <c>$X</c> is one word whatever spaces it holds, and the glob
/// characters it holds are literal. An unquoted expansion that yields nothing yields no word; <c>$@</c> alone
/// in a word yields one word per positional parameter.</remarks>
internal static class Expander
{
    /// <summary>Expands the words of a command into its argument list.</summary>
    public static List<string> ExpandWords(IEnumerable<WordNode> words, ShellSession session)
    {
        var result = new List<string>();
        foreach (WordNode word in words)
        {
            if (word.Parts.Count == 1 && word.Parts[0] is ParameterPart { Name: "@" })
            {
                result.AddRange(session.Positionals);
                continue;
            }

            (string text, string pattern, bool glob, bool keep) = Expand(word, session);
            if (glob)
            {
                List<string> matches = Glob.Expand(pattern, session.WorkingDirectory);
                if (matches.Count > 0)
                {
                    result.AddRange(matches);
                    continue;
                }
            }

            if (keep || text.Length > 0)
            {
                result.Add(text);
            }
        }

        return result;
    }

    /// <summary>Expands one word without globbing or field removal (assignments, here the value).</summary>
    public static string ExpandSingle(WordNode word, ShellSession session) => Expand(word, session).Text;

    /// <summary>Expands a redirection target: one word, globbed when that yields exactly one match.</summary>
    public static string? ExpandTarget(WordNode word, ShellSession session)
    {
        (string text, string pattern, bool glob, _) = Expand(word, session);
        if (glob)
        {
            List<string> matches = Glob.Expand(pattern, session.WorkingDirectory);
            if (matches.Count > 1)
            {
                return null;
            }

            if (matches.Count == 1)
            {
                return matches[0];
            }
        }

        return text;
    }

    /// <summary>The expanded text, the same text as a glob pattern (literal characters escaped with a
    /// backslash), whether the pattern has an unquoted glob character, and whether the word must be kept even
    /// when empty (it had quotes or literal text).</summary>
    private static (string Text, string Pattern, bool Glob, bool Keep) Expand(WordNode word, ShellSession session)
    {
        var text = new StringBuilder();
        var pattern = new StringBuilder();
        bool glob = false;
        bool keep = false;
        foreach (WordPart part in word.Parts)
        {
            switch (part)
            {
                case LiteralPart literal:
                    keep |= literal.Quoted || literal.Text.Length > 0;
                    text.Append(literal.Text);
                    foreach (char c in literal.Text)
                    {
                        if (!literal.Quoted && c != '\\')
                        {
                            glob |= c is '*' or '?' or '[';
                            pattern.Append(c);
                        }
                        else
                        {
                            AppendLiteral(pattern, c);
                        }
                    }

                    break;
                case ParameterPart parameter:
                    keep |= parameter.Quoted;
                    string value = Parameter(parameter.Name, session);
                    text.Append(value);
                    foreach (char c in value)
                    {
                        AppendLiteral(pattern, c);
                    }

                    break;
                case TildePart:
                    string home = session.GetVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                    keep = true;
                    text.Append(home);
                    foreach (char c in home)
                    {
                        AppendLiteral(pattern, c);
                    }

                    break;
            }
        }

        return (text.ToString(), pattern.ToString(), glob, keep);
    }

    private static void AppendLiteral(StringBuilder pattern, char c)
    {
        // '!', '^' and '-' too: quoted, they neither negate nor make a range inside brackets ([\!a], ["a-c"]).
        if (c is '*' or '?' or '[' or ']' or '\\' or '!' or '^' or '-')
        {
            pattern.Append('\\');
        }

        pattern.Append(c);
    }

    /// <summary>The value of a parameter (empty when unset).</summary>
    public static string Parameter(string name, ShellSession session)
    {
        switch (name)
        {
            case "?":
                return session.LastStatus.ToString(CultureInfo.InvariantCulture);
            case "#":
                return session.Positionals.Count.ToString(CultureInfo.InvariantCulture);
            case "@":
            case "*":
                return string.Join(' ', session.Positionals);
            case "$":
                return Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            case "!":
                return session.Jobs.LastId is { } job ? "%" + job.ToString(CultureInfo.InvariantCulture) : "";
            case "0":
                return session.ScriptName;
        }

        if (char.IsAsciiDigit(name[0]))
        {
            int index = int.Parse(name, CultureInfo.InvariantCulture);
            return index >= 1 && index <= session.Positionals.Count ? session.Positionals[index - 1] : "";
        }

        return session.GetVariable(name) ?? "";
    }
}
