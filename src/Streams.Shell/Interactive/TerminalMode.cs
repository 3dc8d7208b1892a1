using System.Runtime.InteropServices;

namespace Streams.Shell.Interactive;

/// <summary>The terminal's own settings (canonical input, echo, signals) as they were when the shell started,
/// put back while a command runs.</summary>
/// <remarks>Once <see cref="Console.ReadKey(bool)"/> has been used, .NET keeps the terminal without echo and
/// without line editing, and restores the original settings only for child processes. A command the shell runs
/// in-process (a component reading the terminal, such as <c>cat</c>) needs them too: the user's typing is
/// echoed, Ctrl-D ends the input and Ctrl-C interrupts. The settings are kept as an opaque
/// <c>struct termios</c>.</remarks>
internal sealed partial class TerminalMode
{
    private const int Stdin = 0;
    private const int TcsaNow = 0;
    private const int TermiosSize = 256;
    private readonly byte[] _original;

    private TerminalMode(byte[] original)
    {
        _original = original;
    }

    /// <summary>Captures the current settings of stdin; null when it is not a terminal.</summary>
    public static TerminalMode? Capture()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }

        byte[] settings = new byte[TermiosSize];
        return Get(settings) ? new TerminalMode(settings) : null;
    }

    /// <summary>Puts the original settings back until the result is disposed, which restores the settings that
    /// were current (the line editor's).</summary>
    public Restorer UseOriginal()
    {
        byte[] current = new byte[TermiosSize];
        bool saved = Get(current);
        Set(_original);
        return new Restorer(saved ? current : null);
    }

    private static unsafe bool Get(byte[] settings)
    {
        fixed (byte* p = settings)
        {
            return TcGetAttr(Stdin, p) == 0;
        }
    }

    private static unsafe void Set(byte[] settings)
    {
        fixed (byte* p = settings)
        {
            _ = TcSetAttr(Stdin, TcsaNow, p);
        }
    }

    /// <summary>Restores the settings saved by <see cref="UseOriginal"/>.</summary>
    public readonly struct Restorer : IDisposable
    {
        private readonly byte[]? _settings;

        public Restorer(byte[]? settings)
        {
            _settings = settings;
        }

        public void Dispose()
        {
            if (_settings is not null)
            {
                Set(_settings);
            }
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "tcgetattr", SetLastError = true)]
    private static unsafe partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport("libc.so.6", EntryPoint = "tcsetattr", SetLastError = true)]
    private static unsafe partial int TcSetAttr(int fd, int optionalActions, byte* termios);
}
