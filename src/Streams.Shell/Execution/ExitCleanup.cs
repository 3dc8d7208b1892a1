using Streams.Transports.ZeroMq;

namespace Streams.Shell.Execution;

/// <summary>What the shell does once as it exits: let ZeroMQ deliver what closed sockets still linger on.</summary>
internal static class ExitCleanup
{
    private static int s_done;

    /// <summary>Runs the cleanup once per process (later calls do nothing).</summary>
    public static void Run()
    {
        if (Interlocked.Exchange(ref s_done, 1) != 0 || !ZeroMqWasUsed())
        {
            return;
        }

        ZeroMqTransport.CleanupAtExit(TimeSpan.FromSeconds(2));
    }

    // NetMQ is loaded only once something used it; loading it just to clean up would slow every exit. Under
    // Native AOT every assembly is part of the image, and the cleanup of an unused NetMQ costs nothing.
    private static bool ZeroMqWasUsed() =>
        !System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported
        || AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "NetMQ");
}
