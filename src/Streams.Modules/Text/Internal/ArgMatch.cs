namespace Streams.Modules.Text.Internal;

/// <summary>gnulib's argmatch: the argument of an option such as <c>--sort=WORD</c> names one of a list of words,
/// in full or by a prefix that only one value's words start with; otherwise the message GNU prints, ending in the
/// list of valid words (those of one value on one line).</summary>
internal static class ArgMatch
{
    /// <summary>The value of the word <paramref name="argument"/> names among <paramref name="words"/> (each with its
    /// value; words of one value adjacent), or null with <paramref name="error"/> set to GNU's message for option
    /// <paramref name="option"/> (without the command name and the closing "Try ... --help" line).</summary>
    public static char? Match(string argument, string option, (string Word, char Value)[] words, out string? error)
    {
        error = null;
        char? found = null;
        bool ambiguous = false;
        foreach ((string word, char value) in words)
        {
            if (word == argument)
            {
                return value;
            }

            if (word.StartsWith(argument, StringComparison.Ordinal))
            {
                ambiguous |= found != null && found != value;
                found = value;
            }
        }

        if (found != null && !ambiguous)
        {
            return found;
        }

        var message = new System.Text.StringBuilder();
        message.Append(ambiguous ? "ambiguous" : "invalid").Append(" argument '").Append(argument).Append("' for '").Append(option).Append("'\nValid arguments are:");
        for (int i = 0; i < words.Length; i++)
        {
            message.Append(i > 0 && words[i].Value == words[i - 1].Value ? ", '" : "\n  - '").Append(words[i].Word).Append('\'');
        }

        error = message.ToString();
        return null;
    }
}
