namespace Streams.Modules.Text.Regex;

/// <summary>A pattern that GNU regex would reject; the message is GNU's (such as <c>Unmatched ( or \(</c>).</summary>
internal sealed class PosixRegexException(string message) : Exception(message)
{
}
