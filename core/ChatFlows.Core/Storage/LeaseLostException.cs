namespace ChatFlows.Core.Storage;

/// <summary>
/// A journal write for a run was refused because the run's lease epoch moved on: another instance claimed the run
/// after this instance's lease lapsed (README §Running several instances). The run must not be executed further here.
/// </summary>
public sealed class LeaseLostException(string runId)
    : Exception($"Run {runId} is now held by another instance; this instance can no longer write to it.")
{
    /// <summary>The run whose lease was lost.</summary>
    public string RunId { get; } = runId;
}
