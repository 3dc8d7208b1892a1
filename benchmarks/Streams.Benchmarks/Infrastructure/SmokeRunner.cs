using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;

namespace Streams.Benchmarks.Infrastructure;

/// <summary>Runs every benchmark method once, in this process, for every combination of its <c>[Params]</c>,
/// calling the global and iteration setups and cleanups around it: a test that no benchmark rots, without
/// BenchmarkDotNet's process spawning and pilot runs (Pipelines.Sockets.Unofficial's <c>tests/Benchmark</c>
/// does the same).</summary>
public static class SmokeRunner
{
    /// <summary>Whether benchmarks run under the smoke test (they may shrink what they move).</summary>
    public static bool IsSmoke { get; private set; }

    /// <summary>Runs the benchmarks whose <c>Type.Method</c> matches <paramref name="filter"/> (a glob); returns
    /// the number of failures as the exit status (0 when all passed).</summary>
    public static int Run(Assembly assembly, string filter, TextWriter log)
    {
        IsSmoke = true;
        var pattern = new Regex("^" + Regex.Escape(filter).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$");
        Type[] types = [.. assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)];
        int runs = 0, failures = 0;
        var total = Stopwatch.StartNew();
        foreach (Type type in types)
        {
            MethodInfo[] benchmarks = [.. type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null
                && pattern.IsMatch($"{type.FullName}.{m.Name}"))];
            if (benchmarks.Length == 0)
            {
                continue;
            }

            foreach (IReadOnlyList<(PropertyInfo Property, object? Value)> combination in Combinations(type))
            {
                string parameters = string.Join(", ", combination.Select(c => $"{c.Property.Name}={c.Value}"));
                foreach (MethodInfo method in benchmarks)
                {
                    runs++;
                    string name = $"{type.Name}.{method.Name}({parameters})";
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        RunOne(type, method, combination);
                        log.WriteLine($"ok    {name}  {watch.Elapsed.TotalMilliseconds:F0} ms");
                    }
                    catch (Exception ex)
                    {
                        failures++;
                        Exception shown = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
                        log.WriteLine($"FAIL  {name}  {watch.Elapsed.TotalMilliseconds:F0} ms: {shown}");
                    }

                    log.Flush();
                }
            }
        }

        log.WriteLine($"smoke: {runs - failures} of {runs} benchmarks ran once without error in {total.Elapsed.TotalSeconds:F1} s");
        return failures == 0 ? (runs > 0 ? 0 : 1) : Math.Min(failures, 100);
    }

    private static void RunOne(Type type, MethodInfo method, IReadOnlyList<(PropertyInfo Property, object? Value)> combination)
    {
        object instance = Activator.CreateInstance(type)!;
        foreach ((PropertyInfo property, object? value) in combination)
        {
            property.SetValue(instance, value);
        }

        Invoke(instance, Hooks<GlobalSetupAttribute>(type, method, a => a.Targets));
        try
        {
            Invoke(instance, Hooks<IterationSetupAttribute>(type, method, a => a.Targets));
            Task run = Task.Run(() => Await(method.Invoke(instance, null)));
            if (!run.Wait(TimeSpan.FromSeconds(90)))
            {
                throw new TimeoutException("the benchmark did not finish within 90 s");
            }

            run.GetAwaiter().GetResult();
            Invoke(instance, Hooks<IterationCleanupAttribute>(type, method, a => a.Targets));
        }
        finally
        {
            Invoke(instance, Hooks<GlobalCleanupAttribute>(type, method, a => a.Targets));
        }
    }

    private static IEnumerable<MethodInfo> Hooks<TAttribute>(Type type, MethodInfo benchmark, Func<TAttribute, string[]> targets)
        where TAttribute : Attribute
        => type.GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is { } a
            && (targets(a) is not { Length: > 0 } t || t.Contains(benchmark.Name)));

    private static void Invoke(object instance, IEnumerable<MethodInfo> methods)
    {
        foreach (MethodInfo m in methods)
        {
            Await(m.Invoke(instance, null));
        }
    }

    private static void Await(object? result)
    {
        switch (result)
        {
            case Task task:
                task.GetAwaiter().GetResult();
                break;
            case ValueTask valueTask:
                valueTask.AsTask().GetAwaiter().GetResult();
                break;
            case not null when result.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>):
                ((Task)t.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(result, null)!).GetAwaiter().GetResult();
                break;
        }
    }

    private static IEnumerable<IReadOnlyList<(PropertyInfo Property, object? Value)>> Combinations(Type type)
    {
        var axes = new List<(PropertyInfo Property, object?[] Values)>();
        foreach (PropertyInfo p in type.GetProperties())
        {
            if (p.GetCustomAttribute<ParamsAttribute>() is { } ps)
            {
                axes.Add((p, ps.Values));
            }
            else if (p.GetCustomAttribute<ParamsAllValuesAttribute>() is not null && p.PropertyType == typeof(bool))
            {
                axes.Add((p, [false, true]));
            }
        }

        IEnumerable<IReadOnlyList<(PropertyInfo, object?)>> result = [[]];
        foreach ((PropertyInfo property, object?[] values) in axes)
        {
            result = result.SelectMany(prefix => values.Select(v => (IReadOnlyList<(PropertyInfo, object?)>)[.. prefix, (property, v)])).ToList();
        }

        return result;
    }
}
