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
        var segments = SplitSegments(pattern);
        bool absolute = pattern.StartsWith('/');
        var current = new List<string> { absolute ? "/" : "" };
        for (int s = 0; s < segments.Count; s++)
        {
            string segment = segments[s];
            bool last = s == segments.Count - 1;
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
                        next.Add(last ? candidate : candidate + "/");
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
                            next.Add(candidate + "/");
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

        if (pattern.EndsWith('/'))
        {
            // "dir*/" keeps its slash; already appended by the loop for non-last segments.
        }

        current.Sort(StringComparer.Ordinal);
        return current;
    }

    private static List<string> SplitSegments(string pattern)
    {
        var segments = new List<string>();
        int start = 0;
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
                continue;
            }

            if (pattern[i] == '/')
            {
                if (i > start)
                {
                    segments.Add(pattern[start..i]);
                }

                start = i + 1;
            }
        }

        if (start < pattern.Length)
        {
            segments.Add(pattern[start..]);
        }

        return segments;
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
    public static bool Match(string pattern, string name) => Match(pattern, 0, name, 0);

    private static bool Match(string p, int pi, string s, int si)
    {
        while (pi < p.Length)
        {
            char c = p[pi];
            if (c == '*')
            {
                while (pi < p.Length && p[pi] == '*')
                {
                    pi++;
                }

                if (pi == p.Length)
                {
                    return true;
                }

                for (int k = si; k <= s.Length; k++)
                {
                    if (Match(p, pi, s, k))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (si >= s.Length)
            {
                return false;
            }

            if (c == '?')
            {
                pi++;
                si++;
                continue;
            }

            if (c == '[' && TryClass(p, pi, s[si], out int end, out bool matched))
            {
                if (!matched)
                {
                    return false;
                }

                pi = end;
                si++;
                continue;
            }

            if (c == '\\' && pi + 1 < p.Length)
            {
                pi++;
                c = p[pi];
            }

            if (c != s[si])
            {
                return false;
            }

            pi++;
            si++;
        }

        return si == s.Length;
    }

    /// <summary>Matches a bracket expression at <paramref name="start"/>; false when it is not one (an
    /// unclosed <c>[</c> is a literal).</summary>
    private static bool TryClass(string p, int start, char ch, out int end, out bool matched)
    {
        int i = start + 1;
        bool negate = false;
        if (i < p.Length && p[i] is '!' or '^')
        {
            negate = true;
            i++;
        }

        bool any = false;
        bool first = true;
        while (i < p.Length && (p[i] != ']' || first))
        {
            first = false;
            char lo = p[i];
            if (lo == '\\' && i + 1 < p.Length)
            {
                lo = p[++i];
            }

            i++;
            char hi = lo;
            if (i + 1 < p.Length && p[i] == '-' && p[i + 1] != ']')
            {
                hi = p[i + 1];
                if (hi == '\\' && i + 2 < p.Length)
                {
                    hi = p[i + 2];
                    i++;
                }

                i += 2;
            }

            if (ch >= lo && ch <= hi)
            {
                any = true;
            }
        }

        if (i >= p.Length)
        {
            end = start;
            matched = false;
            return false;
        }

        end = i + 1;
        matched = any != negate;
        return true;
    }
}
