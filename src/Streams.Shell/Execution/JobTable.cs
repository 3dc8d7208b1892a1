using System.Diagnostics;

namespace Streams.Shell.Execution;

/// <summary>A background job started with <c>&amp;</c>.</summary>
[DebuggerDisplay("[{Id}] {Text}")]
internal sealed class Job
{
    public Job(int id, string text, CancellationTokenSource cancellation)
    {
        Id = id;
        Text = text;
        Cancellation = cancellation;
    }

    public int Id { get; }

    public string Text { get; }

    public CancellationTokenSource Cancellation { get; }

    public Task<int> Completion { get; set; } = Task.FromResult(0);

    /// <summary>Set by <c>kill</c>: the signal the job was stopped with; it then reports 128 plus that signal
    /// (143 for SIGTERM, 137 for SIGKILL) rather than 130.</summary>
    public int? KilledBy { get; set; }

    public bool IsDone => Completion.IsCompleted;

    /// <summary>The job's status once done.</summary>
    public int Status => !Completion.IsCompletedSuccessfully ? 1 : KilledBy is { } signal ? 128 + signal : Completion.Result;
}

/// <summary>The jobs of a shell, numbered from 1 as in sh; thread-safe.</summary>
internal sealed class JobTable
{
    private readonly object _lock = new();
    private readonly List<Job> _jobs = [];

    /// <summary>The id of the last job started (<c>$!</c> is <c>%</c> and this id).</summary>
    public int? LastId { get; private set; }

    public Job Add(string text, Func<CancellationToken, Task<int>> run)
    {
        var cancellation = new CancellationTokenSource();
        Job job;
        lock (_lock)
        {
            int id = 1;
            while (_jobs.Any(j => j.Id == id))
            {
                id++;
            }

            job = new Job(id, text, cancellation);
            _jobs.Add(job);
            LastId = id;
        }

        // Run outside the lock: the job may finish at once and look at the table.
        job.Completion = Task.Run(() => run(cancellation.Token));
        return job;
    }

    public IReadOnlyList<Job> Snapshot()
    {
        lock (_lock)
        {
            return _jobs.ToList();
        }
    }

    /// <summary>Finds a job by <c>%N</c>, <c>%%</c>/<c>%+</c> (the last one); null when there is none. A bare
    /// number is a process id, as in sh, not a job.</summary>
    public Job? Find(string? spec)
    {
        lock (_lock)
        {
            if (spec is null or "%%" or "%+" or "%")
            {
                return _jobs.Count > 0 ? _jobs[^1] : null;
            }

            return spec.StartsWith('%') && int.TryParse(spec.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id)
                ? _jobs.FirstOrDefault(j => j.Id == id)
                : null;
        }
    }

    public void Remove(Job job)
    {
        lock (_lock)
        {
            _jobs.Remove(job);
        }
    }

    /// <summary>Removes the jobs that have ended and returns them (for the "Done" notices).</summary>
    public IReadOnlyList<Job> TakeFinished()
    {
        lock (_lock)
        {
            var done = _jobs.Where(j => j.IsDone).ToList();
            foreach (Job job in done)
            {
                _jobs.Remove(job);
            }

            return done;
        }
    }

    /// <summary>Cancels every job (the shell is exiting).</summary>
    public void CancelAll()
    {
        foreach (Job job in Snapshot())
        {
            job.Cancellation.Cancel();
        }
    }
}
