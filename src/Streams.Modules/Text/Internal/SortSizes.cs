namespace Streams.Modules.Text.Internal;

/// <summary>The checks GNU sort makes of <c>-S SIZE</c> (<c>--buffer-size</c>) and <c>--parallel=N</c>, through
/// gnulib's xstrtoumax, with its messages. Our sort sizes its runs itself, so the values are only validated.</summary>
internal static partial class SortSizes
{
    [Flags]
    private enum Status
    {
        Ok = 0,
        Overflow = 1,
        InvalidSuffix = 2,
        Invalid = 4,
    }

    /// <summary>Null when GNU accepts <paramref name="value"/> as -S's SIZE: a count of KiB, or one with a suffix
    /// of b (bytes), % (of memory) or K M G T P E Z Y R Q (powers of 1024; a lone suffix counts 1), that fits in
    /// 64 bits; else GNU's message, naming the option as given (<paramref name="option"/>: -S or --buffer-size).</summary>
    public static string? BufferSizeError(string value, string option)
    {
        (Status status, ulong n, int suffix) = Parse(value, "EgGkKmMPQRtTYZ");
        bool digitBefore = suffix > 0 && char.IsAsciiDigit(value[suffix - 1]);
        if (status == Status.Ok && digitBefore)
        {
            // A plain number counts KiB.
            status = n <= ulong.MaxValue / 1024 ? Status.Ok : Status.Overflow;
        }

        if (status == Status.InvalidSuffix && digitBefore && suffix + 1 == value.Length)
        {
            if (value[suffix] == 'b')
            {
                status = Status.Ok;
            }
            else if (value[suffix] == '%')
            {
                double memory = (double)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * n / 100;
                status = memory < ulong.MaxValue ? Status.Ok : Status.Overflow;
            }
        }

        return Message(status, option, value);
    }

    /// <summary>Null when GNU accepts <paramref name="value"/> as --parallel's N (a nonzero count; one past 64
    /// bits is taken as the largest); else GNU's message.</summary>
    /// <remarks>GNU then sizes buffers by N, so a huge N ends there with "memory exhausted"; we accept it.</remarks>
    public static string? ParallelError(string value)
    {
        (Status status, ulong n, _) = Parse(value, string.Empty);
        if (status == Status.Overflow)
        {
            return null;
        }

        return status != Status.Ok ? Message(status, "--parallel", value) : n == 0 ? "number in parallel must be nonzero" : null;
    }

    /// <summary>GNU's check of <c>--batch-size=NMERGE</c>: at least 2, and at most what the open-file limit allows
    /// (the limit less 3; an overflow too is too large). Only checked: runs are merged all at once here, which
    /// gives the same output.</summary>
    public static string? BatchSizeError(string value)
    {
        (Status status, ulong n, _) = Parse(value, string.Empty);
        ulong most = OpenFileLimit() is ulong limit && limit > 3 ? limit - 3 : ulong.MaxValue;
        if (status == Status.Ok && n < 2)
        {
            return $"invalid --batch-size argument '{value}'\nsort: minimum --batch-size argument is '2'";
        }

        if (status == Status.Overflow || (status == Status.Ok && n > most))
        {
            return $"--batch-size argument '{value}' too large\nsort: maximum --batch-size argument with current rlimit is {most}";
        }

        return Message(status, "--batch-size", value);
    }

    // RLIMIT_NOFILE's soft limit, or null where it cannot be read.
    private static unsafe ulong? OpenFileLimit()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        ulong* limits = stackalloc ulong[2];
        return GetRLimit(7, limits) == 0 ? limits[0] : null;
    }

    [System.Runtime.InteropServices.LibraryImport("libc.so.6", EntryPoint = "getrlimit")]
    private static unsafe partial int GetRLimit(int resource, ulong* limits);

    private static string? Message(Status status, string option, string value) => status switch
    {
        Status.Ok => null,
        Status.Invalid => $"invalid {option} argument '{value}'",
        Status.Overflow => $"{option} argument '{value}' too large",
        _ => $"invalid suffix in {option} argument '{value}'",
    };

    /// <summary>gnulib's xstrtoumax in base 10: white space, an optional '+' (a '-' is invalid), digits, then at
    /// most one suffix from <paramref name="suffixes"/> (a power of 1024). Returns the status, the value (the
    /// largest on overflow) and where parsing stopped.</summary>
    private static (Status Status, ulong Value, int End) Parse(string s, string suffixes)
    {
        int i = 0;
        bool read = Counts.TryReadUnsigned(s, ref i, out ulong value, out bool overflow);
        Status status = overflow ? Status.Overflow : Status.Ok;
        if (!read)
        {
            // No number: a valid suffix alone stands for 1 of it.
            if (s.Length > 0 && suffixes.Contains(s[0], StringComparison.Ordinal))
            {
                (i, value) = (0, 1);
            }
            else
            {
                return (Status.Invalid, 0, 0);
            }
        }

        if (i == s.Length)
        {
            return (status, value, i);
        }

        int power = suffixes.Contains(s[i], StringComparison.Ordinal) ? "KMGTPEZYRQ".IndexOf(char.ToUpperInvariant(s[i]), StringComparison.Ordinal) + 1 : 0;
        if (power == 0)
        {
            return (status | Status.InvalidSuffix, value, i);
        }

        for (int p = 0; p < power; p++)
        {
            if (value > ulong.MaxValue / 1024)
            {
                status |= Status.Overflow;
                value = ulong.MaxValue;
                break;
            }

            value *= 1024;
        }

        i++;
        return (i < s.Length ? status | Status.InvalidSuffix : status, value, i);
    }
}
