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
            "wait [%N...]\n  Wait for the given jobs (default: all); the status is that of the last one waited for.\n", Wait));
        table.Add(new Builtin("kill", "kill [-SIGNAL] %N|PID...", "stop a job or signal a process",
            "kill %N...\n  Stop background job N (its status becomes 143).\nkill [-SIGNAL] PID...\n  Send a signal to a process (runs the system's kill).\n", Kill));
    }

    private static string State(Job job) => !job.IsDone ? "Running" : job.Status == 0 ? "Done" : $"Exit {job.Status}";

    private static ValueTask<int> Jobs(BuiltinContext context)
    {
        var text = new StringBuilder();
        foreach (Job job in context.Session.Jobs.Snapshot())
        {
            text.Append('[').Append(job.Id).Append("]  ").Append(State(job).PadRight(10)).Append(job.Text).Append('\n');
        }

        context.Write(text.ToString());
        foreach (Job job in context.Session.Jobs.Snapshot().Where(j => j.IsDone))
        {
            context.Session.Jobs.Remove(job);
        }

        return ValueTask.FromResult(0);
    }

    private static async ValueTask<int> Fg(BuiltinContext context)
    {
        Job? job = context.Session.Jobs.Find(context.Arguments.Count > 0 ? context.Arguments[0] : null);
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
        return job.Status;
    }

    private static async ValueTask<int> Wait(BuiltinContext context)
    {
        int status = 0;
        if (context.Arguments.Count == 0)
        {
            foreach (Job job in context.Session.Jobs.Snapshot())
            {
                status = await WaitForAsync(job, context).ConfigureAwait(false);
            }

            return status;
        }

        foreach (string spec in context.Arguments)
        {
            Job? job = context.Session.Jobs.Find(spec);
            if (job is null)
            {
                context.WriteError($"streams: wait: {spec}: no such job\n");
                status = 127;
                continue;
            }

            status = await WaitForAsync(job, context).ConfigureAwait(false);
        }

        return status;
    }

    private static async ValueTask<int> Kill(BuiltinContext context)
    {
        if (context.Arguments.Count == 0)
        {
            return context.Usage("kill", "usage: kill [-SIGNAL] %N|PID...");
        }

        int status = 0;
        var others = new List<string>();
        foreach (string spec in context.Arguments)
        {
            if (!spec.StartsWith('%'))
            {
                others.Add(spec);
                continue;
            }

            Job? job = context.Session.Jobs.Find(spec);
            if (job is null)
            {
                context.WriteError($"streams: kill: {spec}: no such job\n");
                status = 1;
                continue;
            }

            job.Killed = true;
            await job.Cancellation.CancelAsync().ConfigureAwait(false);
        }

        if (others.Count > 0 && others.Any(a => !a.StartsWith('-')))
        {
            int external = await context.Executor.RunExternalAsync("kill", others, context).ConfigureAwait(false);
            status = status != 0 ? status : external;
        }

        return status;
    }
}
