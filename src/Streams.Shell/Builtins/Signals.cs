using System.Globalization;

namespace Streams.Shell.Builtins;

/// <summary>The signal names and numbers of Linux on x86-64 that <c>kill</c> understands.</summary>
internal static class Signals
{
    /// <summary>SIGTERM, what <c>kill</c> sends by default.</summary>
    public const int Terminate = 15;

    private static readonly (string Name, int Number)[] s_table =
    [
        ("HUP", 1), ("INT", 2), ("QUIT", 3), ("ILL", 4), ("TRAP", 5), ("ABRT", 6), ("BUS", 7), ("FPE", 8), ("KILL", 9),
        ("USR1", 10), ("SEGV", 11), ("USR2", 12), ("PIPE", 13), ("ALRM", 14), ("TERM", 15), ("STKFLT", 16), ("CHLD", 17),
        ("CONT", 18), ("STOP", 19), ("TSTP", 20), ("TTIN", 21), ("TTOU", 22), ("URG", 23), ("XCPU", 24), ("XFSZ", 25),
        ("VTALRM", 26), ("PROF", 27), ("WINCH", 28), ("IO", 29), ("PWR", 30), ("SYS", 31),
    ];

    /// <summary>The number of a signal given as a number (0 to 64), a name or a name with <c>SIG</c>, in any case;
    /// null when it is none of these.</summary>
    public static int? Parse(string text)
    {
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number <= 64 ? number : null;
        }

        string name = text.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal))
        {
            name = name[3..];
        }

        foreach ((string known, int number) in s_table)
        {
            if (known == name)
            {
                return number;
            }
        }

        return null;
    }

    /// <summary>Whether the signal stops or continues a process rather than ending it: an in-process job can
    /// do neither.</summary>
    public static bool Suspends(int signal) => signal is 18 or 19 or 20 or 21 or 22;

    /// <summary>Whether a process ignores the signal unless it asks for it (SIGCHLD, SIGURG, SIGWINCH), and a job
    /// therefore goes on.</summary>
    public static bool IgnoredByDefault(int signal) => signal is 0 or 17 or 23 or 28;
}
