namespace ChatFlows.Core.Running;

/// <summary>
/// A run held back to be stored in one commit at its end (<see cref="Storage.IRunStore.Defer"/>) was interrupted
/// before that commit: it was never stored and will not run again, so its caller should send its request again.
/// </summary>
public sealed class RunNotStoredException(string runId, Exception inner)
    : Exception($"Run {runId} was interrupted before it was stored ({inner.Message}); nothing of it was kept.", inner)
{
    /// <summary>The run that was not stored.</summary>
    public string RunId { get; } = runId;
}
