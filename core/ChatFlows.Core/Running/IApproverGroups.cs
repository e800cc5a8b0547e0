namespace ChatFlows.Core.Running;

/// <summary>
/// The members of an approver group entry (README §Approvals): a Slack user group (<c>slack-group:S…</c>), a Teams
/// channel's members (<c>teams-channel:&lt;conversation id&gt;</c>), an e-mail list (<c>email-list:&lt;name&gt;</c>).
/// Each chat platform registers the groups it can read.
/// </summary>
public interface IApproverGroups
{
    /// <summary>True when <paramref name="entry"/> is a group this source reads.</summary>
    bool Owns(string entry);

    /// <summary>The members as approver entries (<c>slack:U…</c>, <c>teams:…</c>, <c>email:…</c>); throws naming the group when it cannot be read.</summary>
    Task<IReadOnlyList<string>> MembersAsync(string entry, CancellationToken ct = default);
}
