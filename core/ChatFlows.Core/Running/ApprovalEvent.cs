using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>
/// One entry of an approval's own journal (README §Approvals): a vote, a reminder sent, the escalation, a delegation or
/// an admin's reassignment. <see cref="Key"/> makes recording idempotent across instances and retries: a person's vote
/// is <c>vote:&lt;id&gt;</c> (a second click records nothing), the k-th reminder <c>reminder:&lt;k&gt;</c>, the escalation
/// <c>escalation</c>.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="NodeId">The approval node.</param>
/// <param name="Key">Unique within the approval; see above.</param>
/// <param name="Kind">One of <see cref="ApprovalEventKinds"/>.</param>
/// <param name="Actor">Who did it (<c>slack:U012</c>, <c>local</c>), or <c>system</c> for the clock.</param>
/// <param name="At">When it was recorded.</param>
/// <param name="Data">What else it carries: a vote's decision and comment, a delegation's <c>to</c>, a reassignment's approvers.</param>
public sealed record ApprovalEvent(string RunId, string NodeId, string Key, string Kind, string Actor, DateTimeOffset At, JsonElement Data);

/// <summary>The kinds of <see cref="ApprovalEvent"/>.</summary>
public static class ApprovalEventKinds
{
    public const string Vote = "vote";
    public const string Reminder = "reminder";
    public const string Escalation = "escalation";
    public const string Delegation = "delegation";
    public const string Reassignment = "reassignment";

    /// <summary>The actor of what the clock did.</summary>
    public const string System = "system";
}
