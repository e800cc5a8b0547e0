namespace ChatFlows.Core.Running;

/// <summary>How this instance executes runs (<c>ChatFlows:Runs</c>).</summary>
public sealed class RunWorkerOptions
{
    /// <summary>Runs executed at once by this instance.</summary>
    public int Concurrency { get; set; } = 64;

    /// <summary>How long a claim holds without renewal; a run of a dead instance is taken over after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the store is asked for runs other instances queued, decisions and due wake-ups.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Names this instance's leases; defaults to the machine name and process id.</summary>
    public string? InstanceId { get; set; }

    /// <summary>Runs that ended longer ago than this are deleted; zero or less keeps them forever.</summary>
    public TimeSpan RetainFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often old runs are pruned.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many sub-workflow runs may nest inside one another; one more fails, which stops recursion.</summary>
    public int MaxSubworkflowDepth { get; set; } = 8;

    /// <summary>The default of <see cref="MaxOutputBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxOutputBytes = 1024 * 1024;

    /// <summary>
    /// The largest node output stored in a run's data and journal, in bytes of JSON (after the node's <c>select</c>); a
    /// larger one is replaced by <c>{"truncated": true, "bytes": N, "maxBytes": M, "preview": "…"}</c> and the log says so.
    /// </summary>
    public int MaxOutputBytes { get; set; } = DefaultMaxOutputBytes;
}
