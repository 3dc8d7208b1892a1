namespace Streams.Transports.Processes;

/// <summary>How <see cref="ChildProcess.Start"/> launches a program.</summary>
/// <remarks>The defaults redirect all three standard streams, inherit the parent's environment and working
/// directory, and restore the default action of SIGPIPE in the child.</remarks>
public sealed class ChildProcessOptions
{
    /// <summary>The child's whole environment, or null (the default) to inherit the parent's.</summary>
    public IDictionary<string, string>? Environment { get; init; }

    /// <summary>The child's working directory, or null (the default) for the parent's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Whether the child's stdin is a pipe (<see cref="ChildProcess.Input"/>); false lets it inherit
    /// the parent's fd 0. Default true.</summary>
    public bool RedirectInput { get; init; } = true;

    /// <summary>Whether the child's stdout is a pipe (<see cref="ChildProcess.Output"/>); false lets it inherit
    /// the parent's fd 1. Default true.</summary>
    public bool RedirectOutput { get; init; } = true;

    /// <summary>Whether the child's stderr is a pipe (<see cref="ChildProcess.Error"/>); false lets it inherit
    /// the parent's fd 2. Default true.</summary>
    public bool RedirectError { get; init; } = true;

    /// <summary>The command name as the user typed it, for the program's <c>argv[0]</c> (so that GNU tools say
    /// <c>ls: …</c>, not <c>/usr/bin/ls: …</c>, as under a shell), or null for the path.</summary>
    /// <remarks>Honoured for a bare name (no <c>/</c>) when the child is started through <c>/usr/bin/env</c>
    /// (<see cref="RestoreSigpipe"/>): env looks the name up again on the child's own PATH, from the child's working
    /// directory, as the caller did. Otherwise the program sees the path.</remarks>
    public string? ArgumentZero { get; init; }

    /// <summary>Whether to start the child through <c>/usr/bin/env --default-signal=PIPE</c> so that it dies of
    /// SIGPIPE when its reader goes away, as under a shell. Default true.</summary>
    /// <remarks>.NET ignores SIGPIPE and an ignored signal stays ignored across <c>exec</c>, so without this
    /// <c>yes | head -n 1</c> would never end. Needs GNU coreutils 8.31 or later; when <c>/usr/bin/env</c> is
    /// missing or older (checked once), or the path holds <c>=</c>, the program is started directly.</remarks>
    public bool RestoreSigpipe { get; init; } = true;
}
