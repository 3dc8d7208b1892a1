using Streams.Shell;
using Streams.Shell.Execution;

// Run by ./streams from a checkout: compare the sources with this binary in the background; the shell waits for
// the answer (and rebuilds when a source is newer) before it does anything that can be seen.
SourceCheck? check = SourceCheck.Start();

// The process's stdio as raw descriptors: Console's streams ignore EPIPE (a shell must notice that the reader of
// its stdout has gone), and FileStream would not share the descriptors' offsets with other processes.
bool terminal = !Console.IsInputRedirected;
using var stdin = new DescriptorStream(0, poll: terminal);
using var stdout = new DescriptorStream(1);
using var stderr = new DescriptorStream(2);
return await ShellHost.RunAsync(args, stdin, stdout, stderr, new ShellHostOptions
{
    RealDescriptors = true,
    InputIsTerminal = terminal,
    HandleSignals = true,
    BeforeRun = check is null ? null : () => check.RebuildIfStale(args),
});
