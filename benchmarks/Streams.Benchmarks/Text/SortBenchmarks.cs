using System.Buffers;
using System.Buffers.Text;
using System.Text;
using BenchmarkDotNet.Attributes;
using Streams.Benchmarks.Infrastructure;
using Streams.Components;
using Streams.Modules.Text;
using Streams.Pipelines;

namespace Streams.Benchmarks.Text;

/// <summary><c>sort</c> and <c>sort -n</c> of the lines the long pipelines of <c>benchmarks/compare.sh</c> sort
/// (570 000 service names such as <c>billing-13</c>, 128 values; or numbers from 0 to 1999), run by
/// <see cref="Pipeline.RunAsync"/> as the shell runs the command, against a hand-written sort of the same lines:
/// a table of (offset, length) sorted by <c>Array.Sort</c> with an ordinal comparison (by value first for
/// <c>-n</c>) and a position tie-break for stability, written to the same null sink. One operation is one whole
/// sort, reading and writing included.</summary>
[MemoryDiagnoser]
public class SortBenchmarks
{
    private readonly NullPipeWriter _sink = new();
    private readonly ComponentRegistry _registry = new ComponentRegistry().AddTextCommands();
    private byte[] _input = [];

    /// <summary>The command line.</summary>
    [Params("sort", "sort -n")]
    public string Command { get; set; } = "sort";

    /// <summary>Lines per operation (570 000; 20 000 in the smoke test).</summary>
    public int Lines => SmokeRunner.IsSmoke ? 20_000 : 570_000;

    private bool Numeric => Command.EndsWith("-n", StringComparison.Ordinal);

    /// <summary>Makes the lines.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        string[] services = ["api", "auth", "db", "cache", "queue", "web", "billing", "search"];
        var text = new StringBuilder();
        for (int i = 0; i < Lines; i++)
        {
            text.Append(Numeric ? random.Next(2000).ToString(System.Globalization.CultureInfo.InvariantCulture) : services[random.Next(services.Length)] + "-" + random.Next(16)).Append('\n');
        }

        _input = Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Array.Sort over a line table, then the lines written out.</summary>
    [Benchmark(Baseline = true)]
    public long ArraySort()
    {
        _sink.Reset();
        byte[] data = _input;
        var lines = new (int Start, int Length, long Value)[data.AsSpan().Count((byte)'\n')];
        for (int n = 0, start = 0; n < lines.Length; n++)
        {
            int length = data.AsSpan(start).IndexOf((byte)'\n');
            long value = 0;
            if (Numeric)
            {
                Utf8Parser.TryParse(data.AsSpan(start, length), out value, out _);
            }

            lines[n] = (start, length, value);
            start += length + 1;
        }

        bool numeric = Numeric;
        Array.Sort(lines, (x, y) =>
        {
            int diff = numeric ? x.Value.CompareTo(y.Value) : 0;
            if (diff == 0)
            {
                diff = data.AsSpan(x.Start, x.Length).SequenceCompareTo(data.AsSpan(y.Start, y.Length));
            }

            return diff != 0 ? diff : x.Start.CompareTo(y.Start);
        });
        foreach ((int start, int length, _) in lines)
        {
            Span<byte> span = _sink.GetSpan(length + 1);
            data.AsSpan(start, length).CopyTo(span);
            span[length] = (byte)'\n';
            _sink.Advance(length + 1);
        }

        return Check(_sink.Written);
    }

    /// <summary>The shell's <c>sort</c> command.</summary>
    [Benchmark]
    public async Task<long> StreamsSort()
    {
        _sink.Reset();
        string[] words = Command.Split(' ');
        var stage = new StageStart(_registry.CreateCommand(words[0], words[1..]), words[1..])
        {
            Input = System.IO.Pipelines.PipeReader.Create(new ReadOnlySequence<byte>(_input)),
            Output = _sink,
        };
        PipelineResult result = await Pipeline.RunAsync([stage], new NullPipeWriter());
        return result.Stages[0].ExitStatus == 0 ? Check(_sink.Written) : throw new InvalidOperationException("sort failed");
    }

    private long Check(long written) => written == _input.Length ? written : throw new InvalidOperationException($"{written} bytes written of {_input.Length}");
}
