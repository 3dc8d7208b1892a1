namespace Streams.Modules.Text.Internal;

/// <summary>cut's LIST (<c>1,3-5,7-</c>, <c>-2</c>): which positions are selected, per position (fields) and
/// as merged ranges (bytes, where <c>--output-delimiter</c> goes between ranges).</summary>
internal sealed class FieldList
{
    private readonly bool[] _selected;
    private readonly int _openFrom;
    private readonly bool _complement;

    private FieldList(bool[] selected, int openFrom, bool complement, List<(int Lo, int Hi)> merged)
    {
        _selected = selected;
        _openFrom = openFrom;
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
        bool inList = n >= _openFrom || (n < _selected.Length && _selected[n]);
        return inList != _complement;
    }

    /// <summary>Whether no position from <paramref name="n"/> on is selected (so a line's rest can be skipped).</summary>
    public bool BeyondLast(int n) => !_complement && _openFrom == int.MaxValue && n >= _selected.Length;

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

            if (!Parse(lo.Length == 0 ? "1" : lo, out int low) || !Parse(hi.Length == 0 ? int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : hi, out int high))
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

        int openFrom = merged.Count > 0 && merged[^1].Hi == int.MaxValue ? merged[^1].Lo : int.MaxValue;
        int max = 0;
        foreach ((int lo, int hi) in merged)
        {
            max = Math.Max(max, hi == int.MaxValue ? lo : hi);
        }

        var selected = new bool[max + 1];
        foreach ((int lo, int hi) in merged)
        {
            for (int i = lo; i <= Math.Min(hi, max); i++)
            {
                selected[i] = true;
            }
        }

        parsed = new FieldList(selected, openFrom, complement, merged);
        return null;
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

            value = (int)Math.Min((long)value * 10 + (c - '0'), int.MaxValue);
        }

        return true;
    }
}
