using BenchmarkDotNet.Running;
using Streams.Benchmarks.Infrastructure;
using Streams.Benchmarks.ZeroMq;

namespace Streams.Benchmarks;

/// <summary>Entry point: BenchmarkDotNet's switcher (<c>--filter '*StackDepth*' --job short</c>), or
/// <c>--smoke [filter]</c> to run every benchmark method once in this process, so that none rots, or
/// <c>--devices [rounds]</c> for the side-by-side ZeroMQ device table (benchmarks/compare.sh).</summary>
public static class Program
{
    /// <summary>Runs the benchmarks.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--smoke")
        {
            return SmokeRunner.Run(typeof(Program).Assembly, args.Length > 1 ? args[1] : "*", Console.Out);
        }

        if (args.Length > 0 && args[0] == "--devices")
        {
            int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
            DeviceThroughput.Run(rounds: rounds, log: Console.Out);
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
