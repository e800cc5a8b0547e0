namespace ChatFlows.Core.Running;

/// <summary>A run about to be stored: its id, plan and request, for <see cref="StartOptions.Announce"/>.</summary>
public sealed record StartingRun(string RunId, WorkflowPlan Plan, RunRequest Request);
