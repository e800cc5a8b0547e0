using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// An approval as every chat channel shows it: the question with Approve / Reject while it waits, then who decided
/// and when (or that it expired, or that the run ended without a decision).
/// </summary>
public sealed record ApprovalView
{
    public required string RunId { get; init; }

    /// <summary>The approval node; with <see cref="RunId"/> it names what a button click decides.</summary>
    public required string NodeId { get; init; }

    public required string WorkflowName { get; init; }

    public required ApprovalRequest Request { get; init; }

    /// <summary><c>approved</c>, <c>rejected</c> or <c>expired</c>; null while it waits.</summary>
    public string? Decision { get; init; }

    /// <summary>Who decided, e.g. <c>playground:ada</c>.</summary>
    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? Comment { get; init; }

    /// <summary>Set when the run ended while the approval still waited (e.g. it was cancelled): why nobody can decide.</summary>
    public string? Closed { get; init; }

    /// <summary>True while Approve and Reject can still be clicked.</summary>
    public bool IsOpen => Decision is null && Closed is null;
}
