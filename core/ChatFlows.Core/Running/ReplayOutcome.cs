namespace ChatFlows.Core.Running;

/// <summary>How a replay request ended (README §Replay a run).</summary>
public enum ReplayOutcomeKind
{
    /// <summary>The replay was queued as a new run.</summary>
    Started,

    /// <summary>There is no such run.</summary>
    RunNotFound,

    /// <summary>The run is still queued, running or waiting.</summary>
    NotFinished,

    /// <summary>The node is not in the workflow, or the run never reached it.</summary>
    BadNode,

    /// <summary>The workflow was deleted or no longer validates.</summary>
    CannotRun,
}

/// <summary>The outcome of a replay request: the new run's id, or why there is none, in a sentence.</summary>
public sealed record ReplayOutcome(ReplayOutcomeKind Kind, string? RunId, string? Message);
