using Streams.Modules.Text;

namespace Streams.Shell.Execution;

/// <summary>Pathname expansion: <c>*</c>, <c>?</c> and <c>[…]</c> (with <c>!</c> or <c>^</c> to negate and
/// <c>a-z</c> ranges), matched per path segment, results sorted by ordinal (the C locale's byte order).</summary>
/// <remarks>A backslash in a pattern makes the next character literal (the expander escapes quoted and expanded
/// text that way). Names starting with a dot match only a pattern starting with a dot, and <c>.</c> and
/// <c>..</c> never match a wildcard, as in bash.</remarks>
internal static class Glob
{
    /// <summary>The paths that match <paramref name="pattern"/> (relative ones against
    /// <paramref name="workingDirectory"/> but returned relative), or an empty list.</summary>
    public static List<string> Expand(string pattern, string workingDirectory)
    {
        // The slashes are kept as written ("dir//*" gives "dir//x"), as in bash.
        (string leading, List<(string Segment, string Slashes)> segments) = SplitSegments(pattern);

        // "*/" matches directories only, and keeps the slash (bash).
        bool directoriesOnly = pattern.EndsWith('/') && !pattern.EndsWith("\\/", StringComparison.Ordinal);
        var current = new List<string> { leading };
        for (int s = 0; s < segments.Count; s++)
        {
            (string segment, string slashes) = segments[s];
            bool last = s == segments.Count - 1 && !directoriesOnly;

            // A trailing run of slashes ("d*//") leaves one, as in bash.
            slashes = s == segments.Count - 1 ? "/" : slashes;
            var next = new List<string>();
            foreach (string prefix in current)
            {
                if (!HasWildcard(segment))
                {
                    string name = Unescape(segment);
                    string candidate = prefix + name;
                    string full = Path.Combine(workingDirectory, candidate.Length == 0 ? "." : candidate);
                    if (last ? Path.Exists(full) : Directory.Exists(full))
                    {
                        next.Add(last ? candidate : candidate + slashes);
                    }

                    continue;
                }

                string directory = Path.Combine(workingDirectory, prefix.Length == 0 ? "." : prefix);
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                IEnumerable<string> entries;
                try
                {
                    entries = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName)!;
                    entries = entries.ToList();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    continue;
                }

                foreach (string entry in entries)
                {
                    if (entry.StartsWith('.') && !segment.StartsWith('.'))
                    {
                        continue;
                    }

                    if (Match(segment, entry))
                    {
                        string candidate = prefix + entry;
                        if (last)
                        {
                            next.Add(candidate);
                        }
                        else if (Directory.Exists(Path.Combine(workingDirectory, candidate)))
                        {
                            next.Add(candidate + slashes);
                        }
                    }
                }
            }

            current = next;
            if (current.Count == 0)
            {
                break;
            }
        }

        current.Sort(StringComparer.Ordinal);
        return current;
    }

    /// <summary>The slashes that start <paramref name="pattern"/> (an absolute one), then each segment with the
    /// slashes that follow it (empty after the last, unless the pattern ends in a slash).</summary>
    private static (string Leading, List<(string Segment, string Slashes)> Segments) SplitSegments(string pattern)
    {
        int start = 0;
        while (start < pattern.Length && pattern[start] == '/')
        {
            start++;
        }

        string leading = pattern[..start];
        var segments = new List<(string, string)>();
        for (int i = start; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
                continue;
            }

            if (pattern[i] == '/')
            {
                int end = i;
                while (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                }

                segments.Add((pattern[start..end], pattern[end..(i + 1)]));
                start = i + 1;
            }
        }

        if (start < pattern.Length)
        {
            segments.Add((pattern[start..], ""));
        }

        return (leading, segments);
    }

    private static bool HasWildcard(string segment)
    {
        for (int i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '\\')
            {
                i++;
            }
            else if (segment[i] is '*' or '?' or '[')
            {
                return true;
            }
        }

        return false;
    }

    private static string Unescape(string segment)
    {
        var text = new System.Text.StringBuilder(segment.Length);
        for (int i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '\\' && i + 1 < segment.Length)
            {
                i++;
            }

            text.Append(segment[i]);
        }

        return text.ToString();
    }

    /// <summary>Whether <paramref name="name"/> matches the one-segment <paramref name="pattern"/>.</summary>
    public static bool Match(string pattern, string name) => Wildcard.IsMatch(pattern, name);
}
