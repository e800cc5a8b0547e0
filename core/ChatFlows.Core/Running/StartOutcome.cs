namespace ChatFlows.Core.Running;

/// <summary>
/// What <see cref="RunStarter"/> did with a request to start a run, from any trigger: started it, started it and
/// waits for its answer (a webhook with a <c>respond</c> output), or refused it, naming every problem.
/// </summary>
public abstract record StartOutcome
{
    private StartOutcome()
    {
    }

    /// <summary>The run is stored and queued.</summary>
    public sealed record Started(string RunId) : StartOutcome;

    /// <summary>The run is stored and queued; <paramref name="Settled"/> completes when it first ends or waits here.</summary>
    public sealed record AwaitingResponse(string RunId, Task<RunState> Settled) : StartOutcome;

    /// <summary>Nothing was started; <paramref name="Problems"/> says why, each with a path.</summary>
    public sealed record Refused(IReadOnlyList<StartProblem> Problems) : StartOutcome
    {
        /// <summary>The kind of the first problem, which decides the answer.</summary>
        public StartProblemKind Kind => Problems[0].Kind;

        /// <summary>The problems as one line for a log or a chat answer.</summary>
        public string Describe(int max = int.MaxValue) =>
            string.Join("; ", Problems.Take(max).Select(p => p.ToString())) + (Problems.Count > max ? $"; and {Problems.Count - max} more" : "");
    }

    /// <summary>The started run's id, or null when refused.</summary>
    public string? StartedRunId => this switch
    {
        Started s => s.RunId,
        AwaitingResponse a => a.RunId,
        _ => null,
    };
}
