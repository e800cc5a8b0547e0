using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>What became of an Approve or Reject click, and the approval as it now stands (for platforms that answer with the card).</summary>
public sealed record ChatDecision(ApprovalDecision Decision, ApprovalView? View);
