namespace ChatFlows.Core.Storage;

/// <summary>
/// A run was queued under an id already stored, and nothing was written: a sub-workflow's child (whose id its parent
/// derives) started again by an instance that took the parent over, while the first instance's start was committing
/// (README §Running several instances). The run that is stored is the one that counts.
/// </summary>
public sealed class RunAlreadyStoredException(string runId)
    : Exception($"Run {runId} is already stored; it was not queued again.")
{
    /// <summary>The run already stored.</summary>
    public string RunId { get; } = runId;
}
