namespace Streams.Modules.Text.Internal;

/// <summary>cut's LIST (<c>1,3-5,7-</c>, <c>-2</c>): which positions are selected, per position (fields) and
/// as merged ranges (bytes, where <c>--output-delimiter</c> goes between ranges).</summary>
internal sealed class FieldList
{
    private readonly (int Lo, int Hi)[] _merged;
    private readonly bool _complement;

    private FieldList(bool complement, List<(int Lo, int Hi)> merged)
    {
        _merged = [.. merged];
        _complement = complement;
        Ranges = complement ? Complement(merged) : [.. merged];
    }

    /// <summary>The selected positions as sorted, disjoint ranges (from 1, inclusive; an open end is
    /// <see cref="int.MaxValue"/>), the complement already applied.</summary>
    public (int Lo, int Hi)[] Ranges { get; }

    private static (int Lo, int Hi)[] Complement(List<(int Lo, int Hi)> merged)
    {
        var result = new List<(int Lo, int Hi)>();
        int next = 1;
        foreach ((int lo, int hi) in merged)
        {
            if (lo > next)
            {
                result.Add((next, lo - 1));
            }

            next = hi == int.MaxValue ? int.MaxValue : hi + 1;
        }

        if (next != int.MaxValue)
        {
            result.Add((next, int.MaxValue));
        }

        return [.. result];
    }

    /// <summary>Whether position <paramref name="n"/> (from 1) is selected.</summary>
    public bool Selected(int n)
    {
        int lo = 0, hi = _merged.Length - 1;
        bool inList = false;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (n < _merged[mid].Lo)
            {
                hi = mid - 1;
            }
            else if (n > _merged[mid].Hi)
            {
                lo = mid + 1;
            }
            else
            {
                inList = true;
                break;
            }
        }

        return inList != _complement;
    }

    /// <summary>Whether no position from <paramref name="n"/> on is selected (so a line's rest can be skipped).</summary>
    public bool BeyondLast(int n) => !_complement && (_merged.Length == 0 || n > _merged[^1].Hi);

    /// <summary>Parses LIST; returns GNU's message on error.</summary>
    public static string? TryParse(string list, bool fields, bool complement, out FieldList parsed)
    {
        parsed = null!;
        var ranges = new List<(int Lo, int Hi)>();
        foreach (string item in list.Split(',', ' ', '\t'))
        {
            if (item.Length == 0)
            {
                return fields ? "fields are numbered from 1" : "byte/character positions are numbered from 1";
            }

            int dash = item.IndexOf('-', StringComparison.Ordinal);
            string lo = dash < 0 ? item : item[..dash];
            string? hi = dash < 0 ? item : item[(dash + 1)..];
            if (dash >= 0 && lo.Length == 0 && hi.Length == 0)
            {
                return "invalid range with no endpoint: -";
            }

            string? tooLarge = TooLarge(lo) ?? TooLarge(hi);
            if (tooLarge != null)
            {
                return fields ? $"field number '{tooLarge}' is too large" : $"byte/character offset '{tooLarge}' is too large";
            }

            int high = int.MaxValue;
            if (!Parse(lo.Length == 0 ? "1" : lo, out int low) || (hi.Length > 0 && !Parse(hi, out high)))
            {
                return $"invalid {(fields ? "field" : "byte/character position")} value '{item}'";
            }

            if (low == 0 || high == 0)
            {
                return fields ? "fields are numbered from 1" : "byte/character positions are numbered from 1";
            }

            if (high < low)
            {
                return "invalid decreasing range";
            }

            ranges.Add((low, high));
        }

        ranges.Sort();
        var merged = new List<(int Lo, int Hi)>();
        foreach ((int lo, int hi) in ranges)
        {
            if (merged.Count > 0 && lo <= merged[^1].Hi)
            {
                merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, hi));
            }
            else
            {
                merged.Add((lo, hi));
            }
        }

        parsed = new FieldList(complement, merged);
        return null;
    }

    /// <summary><paramref name="s"/> when it is a number GNU's uintmax_t cannot hold below its maximum (GNU
    /// refuses 2^64-1 and up; we saturate smaller ones below <see cref="int.MaxValue"/>), else null.</summary>
    private static string? TooLarge(string s)
    {
        decimal value = 0;
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return null;
            }

            value = Math.Min(value * 10 + (c - '0'), ulong.MaxValue);
        }

        return value >= ulong.MaxValue ? s : null;
    }

    private static bool Parse(string s, out int value)
    {
        value = 0;
        if (s.Length == 0)
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            // Past any line's length: saturate just below int.MaxValue, which stands for an open end.
            value = (int)Math.Min((long)value * 10 + (c - '0'), int.MaxValue - 1);
        }

        return true;
    }
}
