namespace ChatFlows.Core.Running;

/// <summary>The answer to a decision: its outcome and a sentence to show the person who clicked.</summary>
/// <param name="Outcome">Accepted, or why nothing changed.</param>
/// <param name="Message">What to tell the person, e.g. "Already approved by slack:U012 at 09:14 UTC."</param>
/// <param name="NodeId">The approval node, when one was found.</param>
public sealed record ApprovalDecision(ApprovalOutcome Outcome, string Message, string? NodeId = null)
{
    /// <summary>True when the decision was stored (deciding the approval, or counted toward its quorum).</summary>
    public bool Accepted => Outcome is ApprovalOutcome.Accepted or ApprovalOutcome.Counted;

    /// <summary>The approval after the decision, when it was found: for surfaces to show at once.</summary>
    public ApprovalState? State { get; init; }
}
