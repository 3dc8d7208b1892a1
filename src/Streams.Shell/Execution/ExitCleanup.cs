using Streams.Transports.ZeroMq;

namespace Streams.Shell.Execution;

/// <summary>What the shell does once as it exits: let ZeroMQ deliver what closed sockets still linger on.</summary>
internal static class ExitCleanup
{
    private static int s_done;

    /// <summary>Runs the cleanup once per process (later calls do nothing).</summary>
    public static void Run()
    {
        if (Interlocked.Exchange(ref s_done, 1) != 0 || !ZeroMqTransport.WasUsed)
        {
            return;
        }

        ZeroMqTransport.CleanupAtExit(TimeSpan.FromSeconds(2));
    }
}
