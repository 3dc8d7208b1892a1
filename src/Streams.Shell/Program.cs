using Streams.Shell;
using Streams.Shell.Execution;

// Run by ./streams from a checkout: compare the sources with this binary in the background; the shell waits for
// the answer (and rebuilds when a source is newer) before it does anything that can be seen.
SourceCheck? check = SourceCheck.Start();

// The process's stdio as raw descriptors: Console's streams ignore EPIPE (a shell must notice that the reader of
// its stdout has gone), and FileStream would not share the descriptors' offsets with other processes. One the
// parent closed stays closed: its stream is over no descriptor (-1), so every read or write fails with EBADF.
bool[] open = StandardDescriptors.Claim();
bool terminal = open[0] && !Console.IsInputRedirected;
using var stdin = new DescriptorStream(open[0] ? 0 : -1, poll: terminal);
using var stdout = new DescriptorStream(open[1] ? 1 : -1);
using var stderr = new DescriptorStream(open[2] ? 2 : -1);
return await ShellHost.RunAsync(args, stdin, stdout, stderr, new ShellHostOptions
{
    RealDescriptors = true,
    InputIsTerminal = terminal,
    HandleSignals = true,
    BeforeRun = check is null ? null : () => check.RebuildIfStale(args),
});
