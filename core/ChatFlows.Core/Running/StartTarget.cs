using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Running;

/// <summary>
/// A workflow looked up to start: its current plan, or why it cannot run. <see cref="Document"/> is set whenever the
/// workflow exists, also when it no longer validates, so that a webhook can check a signature before it says so.
/// </summary>
public sealed record StartTarget(string WorkflowId, WorkflowDocument? Document, WorkflowPlan? Plan, IReadOnlyList<StartProblem> Problems)
{
    /// <summary>True when the workflow exists and validates.</summary>
    public bool CanStart => Plan is not null;
}
