using System.Text.Json.Serialization;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// How an approval lives while it waits (README §Approvals): reminders, escalation, how many must agree, when a
/// comment is required and what its deadline does. Rendered from the node's config when it starts waiting and kept
/// in its <see cref="ApprovalRequest"/>, so every instance and surface reads the same rules.
/// </summary>
public sealed record ApprovalPolicy
{
    /// <summary>Re-ping approvers who have not decided, every this long after the request (ISO-8601 <c>remind</c>).</summary>
    [JsonPropertyName("remind")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TimeSpan? Remind { get; init; }

    [JsonPropertyName("escalate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ApprovalEscalation? Escalate { get; init; }

    /// <summary><c>any</c> (one approval), <c>all</c> (every approver entry), or a number of distinct people, as text.</summary>
    [JsonPropertyName("quorum")]
    public string Quorum { get; init; } = QuorumAny;

    /// <summary>Distinct rejections that reject; 1 (any rejection) unless set.</summary>
    [JsonPropertyName("rejectQuorum")]
    public int RejectQuorum { get; init; } = 1;

    /// <summary>null (never), <c>reject</c> or <c>always</c>.</summary>
    [JsonPropertyName("requireComment")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RequireComment { get; init; }

    /// <summary>What the deadline does: <c>expire</c> (default), <c>approve</c> or <c>reject</c>.</summary>
    [JsonPropertyName("onTimeout")]
    public string OnTimeout { get; init; } = TimeoutExpire;

    public const string QuorumAny = "any";
    public const string QuorumAll = "all";
    public const string CommentOnReject = "reject";
    public const string CommentAlways = "always";
    public const string TimeoutExpire = "expire";
    public const string TimeoutApprove = "approve";
    public const string TimeoutReject = "reject";
}

/// <summary>After <see cref="After"/> without a decision, <see cref="To"/> become approvers too; <see cref="Notify"/> is told.</summary>
public sealed record ApprovalEscalation
{
    [JsonPropertyName("after")]
    public required TimeSpan After { get; init; }

    /// <summary>Approver entries added (people or groups, as in <c>approvers</c>).</summary>
    [JsonPropertyName("to")]
    public required IReadOnlyList<string> To { get; init; }

    /// <summary>A chat channel address told of the escalation (e.g. <c>slack:C0ONCALL</c>), or null.</summary>
    [JsonPropertyName("notify")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Notify { get; init; }
}
