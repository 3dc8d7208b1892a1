using System.Text;
using Streams.Shell.Execution;

namespace Streams.Shell.Builtins;

/// <summary><c>jobs</c>, <c>fg</c>, <c>wait</c> and <c>kill</c>.</summary>
internal static class JobBuiltins
{
    public static void Register(BuiltinTable table)
    {
        table.Add(new Builtin("jobs", "jobs", "list the background jobs", "jobs\n  List the background jobs started with '&': [N] state command.\n", Jobs));
        table.Add(new Builtin("fg", "fg [%N]", "wait for a job in the foreground",
            "fg [%N]\n  Wait for job N (default: the last one) in the foreground; Ctrl-C cancels it. The status is the job's.\n", Fg));
        table.Add(new Builtin("wait", "wait [%N...]", "wait for background jobs",
            "wait [%N...]\n  Wait for the given jobs; the status is that of the last one waited for. Without operands, wait for\n  all of them; the status is then 0, as in sh.\n", Wait));
        table.Add(new Builtin("kill", "kill [-SIGNAL] %N|PID...", "stop a job or signal a process",
            "kill [-SIGNAL] %N...\n  Stop background job N ($! names the last one); its status becomes 128 + the signal (143 for the\n  default SIGTERM, 137 for -9).\nkill [-s SIGNAL | -n NUMBER | -SIGNAL] PID...\n  Send a signal to a process (runs the system's kill).\nkill -l [SIGNAL]\n  List the signal names.\n", Kill));
    }

    private static string State(Job job) => !job.IsDone ? "Running" : job.Status == 0 ? "Done" : $"Exit {job.Status}";

    /// <summary>One job as bash lists it: <c>[N]+  Running                 TEXT &amp;</c>, the mark <c>+</c> on the
    /// current job (the last started of <paramref name="all"/>), <c>-</c> on the one before, the state in 24
    /// columns, and <c>&amp;</c> after a job still running.</summary>
    public static string Describe(Job job, IReadOnlyCollection<Job> all)
    {
        int[] latest = all.Select(j => j.Id).OrderDescending().Take(2).ToArray();
        char mark = latest.Length > 0 && job.Id == latest[0] ? '+' : latest.Length > 1 && job.Id == latest[1] ? '-' : ' ';
        return $"[{job.Id}]{mark}  {State(job),-24}{job.Text}{(job.IsDone ? "" : " &")}\n";
    }

    private static ValueTask<int> Jobs(BuiltinContext context)
    {
        var text = new StringBuilder();
        var shown = new List<Job>();
        int status = 0;
        if (context.Arguments.Count == 0)
        {
            shown.AddRange(context.Session.Jobs.Snapshot());
        }

        foreach (string spec in context.Arguments)
        {
            if (context.Session.Jobs.Find(spec) is { } job)
            {
                shown.Add(job);
            }
            else
            {
                context.WriteError($"streams: jobs: {spec}: no such job\n");
                status = 1;
            }
        }

        IReadOnlyList<Job> all = context.Session.Jobs.Snapshot();
        foreach (Job job in shown)
        {
            text.Append(Describe(job, [.. all, job]));
        }

        context.Write(text.ToString());
        foreach (Job job in shown.Where(j => j.IsDone))
        {
            context.Session.Jobs.Remove(job);
        }

        return ValueTask.FromResult(status);
    }

    private static async ValueTask<int> Fg(BuiltinContext context)
    {
        // fg takes a bare job number too (bash does).
        string? spec = context.Arguments.Count > 0 ? context.Arguments[0] : null;
        Job? job = context.Session.Jobs.Find(spec is { Length: > 0 } && char.IsAsciiDigit(spec[0]) ? "%" + spec : spec);
        if (job is null)
        {
            context.WriteError($"streams: fg: {(context.Arguments.Count > 0 ? context.Arguments[0] : "current")}: no such job\n");
            return 1;
        }

        context.Write(job.Text + "\n");
        await context.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return await WaitForAsync(job, context).ConfigureAwait(false);
    }

    private static async Task<int> WaitForAsync(Job job, BuiltinContext context)
    {
        // Ctrl-C while waiting in the foreground cancels the job itself.
        using (context.CancellationToken.Register(static state => ((Job)state!).Cancellation.Cancel(), job))
        {
            try
            {
                await job.Completion.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Reported through Status.
            }
        }

        context.Session.Jobs.Remove(job);
        context.Session.LastStatusFromKill = job.KilledBy is not null;
        return job.Status;
    }

    private static async ValueTask<int> Wait(BuiltinContext context)
    {
        int status = 0;
        if (context.Arguments.Count == 0)
        {
            // POSIX: without operands the status is 0, whatever the jobs' statuses (bash's too).
            foreach (Job job in context.Session.Jobs.Snapshot())
            {
                await WaitForAsync(job, context).ConfigureAwait(false);
            }

            context.Session.LastStatusFromKill = false;
            return 0;
        }

        foreach (string spec in context.Arguments)
        {
            Job? job = context.Session.Jobs.Find(spec);
            if (job is not null)
            {
                status = await WaitForAsync(job, context).ConfigureAwait(false);
            }
            else if (spec.StartsWith('%'))
            {
                context.WriteError($"streams: wait: {spec}: no such job\n");
                status = 127;
            }
            else if (spec.Length > 0 && spec.All(char.IsAsciiDigit))
            {
                // Jobs run in-process: no process id is a child of the shell's that wait could wait for.
                context.WriteError($"streams: wait: pid {spec} is not a child of this shell (wait for a job with %N or $!)\n");
                status = 127;
            }
            else
            {
                context.WriteError($"streams: wait: `{spec}': not a pid or valid job spec\n");
                status = 1;
            }
        }

        return status;
    }

    private static async ValueTask<int> Kill(BuiltinContext context)
    {
        const string usage = "usage: kill [-s SIGNAL | -n NUMBER | -SIGNAL] %N|PID... or kill -l [SIGNAL]";
        IReadOnlyList<string> args = context.Arguments;
        if (args.Count > 0 && args[0] is "-l" or "-L")
        {
            return await context.Executor.RunExternalAsync("kill", args, context).ConfigureAwait(false);
        }

        // The signal: -N, -NAME, -SIGNAME, -s NAME, -n N; SIGTERM by default.
        int signal = Signals.Terminate;
        int first = 0;
        if (args.Count > 0 && args[0] is "-s" or "-n")
        {
            if (args.Count < 2)
            {
                return context.Usage("kill", usage);
            }

            (string? name, first) = (args[1], 2);
            if (Signals.Parse(name) is not { } parsed)
            {
                context.WriteError($"streams: kill: {name}: invalid signal specification\n");
                return 1;
            }

            signal = parsed;
        }
        else if (args.Count > 0 && args[0].Length > 1 && args[0][0] == '-' && args[0] != "--")
        {
            if (Signals.Parse(args[0][1..]) is not { } parsed)
            {
                context.WriteError($"streams: kill: {args[0][1..]}: invalid signal specification\n");
                return 1;
            }

            (signal, first) = (parsed, 1);
        }

        if (first < args.Count && args[first] == "--")
        {
            first++;
        }

        if (first >= args.Count)
        {
            return context.Usage("kill", usage);
        }

        int status = 0;
        var pids = new List<string>();
        for (int i = first; i < args.Count; i++)
        {
            string spec = args[i];
            if (!spec.StartsWith('%'))
            {
                if (spec.Length == 0 || !spec.TrimStart('-').All(char.IsAsciiDigit) || spec.TrimStart('-').Length == 0)
                {
                    context.WriteError($"streams: kill: {spec}: arguments must be process or job IDs\n");
                    status = 1;
                    continue;
                }

                pids.Add(spec);
                continue;
            }

            Job? job = context.Session.Jobs.Find(spec);
            if (job is null)
            {
                context.WriteError($"streams: kill: {spec}: no such job\n");
                status = 1;
                continue;
            }

            if (Signals.IgnoredByDefault(signal) || job.IsDone)
            {
                // Signal 0 asks whether the job is there; a finished job takes no signal (bash says nothing either).
                continue;
            }

            if (Signals.Suspends(signal))
            {
                context.WriteError($"streams: kill: {spec}: a job runs in the shell's process and cannot be stopped or continued (signal {signal})\n");
                status = 1;
                continue;
            }

            // The job's stages are cancelled (its programs killed); its status tells which signal ended it.
            job.KilledBy = signal;
            await job.Cancellation.CancelAsync().ConfigureAwait(false);
        }

        if (pids.Count > 0)
        {
            int external = await context.Executor.RunExternalAsync("kill", ["-" + signal.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", .. pids], context).ConfigureAwait(false);
            status = status != 0 ? status : external;
        }

        return status;
    }
}
