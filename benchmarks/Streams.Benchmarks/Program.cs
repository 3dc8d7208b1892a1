using BenchmarkDotNet.Running;
using Streams.Benchmarks.Infrastructure;

namespace Streams.Benchmarks;

/// <summary>Entry point: BenchmarkDotNet's switcher (<c>--filter '*StackDepth*' --job short</c>), or
/// <c>--smoke [filter]</c> to run every benchmark method once in this process, so that none rots.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--smoke")
        {
            return SmokeRunner.Run(typeof(Program).Assembly, args.Length > 1 ? args[1] : "*", Console.Out);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
