using System.Collections.Concurrent;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// Who clicked, as approvers are written: <c>teams:&lt;AAD object id&gt;</c>, which every Teams activity carries; or
/// <c>teams:&lt;user principal name&gt;</c> when the approval lists the person by UPN, which activities do not carry and
/// is looked up from the conversation's members; or <c>email:&lt;address&gt;</c>, matched against the e-mail address (else
/// the UPN) of that same member lookup.
/// </summary>
public sealed partial class TeamsDeciders(TeamsConnector connector, IRunStore runs, TimeProvider time, ILogger<TeamsDeciders> logger)
{
    /// <summary>How long a conversation's member list is reused: every refresh of an open card asks for it.</summary>
    public static readonly TimeSpan MembersFor = TimeSpan.FromMinutes(1);

    // Member lists by conversation, with when they were read.
    private readonly ConcurrentDictionary<string, (DateTimeOffset ReadAt, IReadOnlyList<TeamsAccount> Members)> _members = new(StringComparer.Ordinal);

    /// <summary>
    /// <c>teams:&lt;AAD object id&gt;</c> of the activity's sender (<c>teams:&lt;channel account id&gt;</c> when there is
    /// none, as from the Emulator).
    /// </summary>
    public static string UserOf(TeamsActivity activity) =>
        $"{TeamsAddress.Platform}:{(activity.From?.AadObjectId is { Length: > 0 } aad ? aad : activity.From?.Id)}";

    /// <summary>The identity the sender of <paramref name="activity"/> decides approval <paramref name="nodeId"/> of <paramref name="runId"/> as.</summary>
    public async Task<Decider> ResolveAsync(TeamsActivity activity, string runId, string nodeId, CancellationToken ct)
    {
        var user = new Decider(UserOf(activity));
        var request = await RequestAsync(runId, nodeId, ct);
        if (request is null || request.Allows(user) || !request.Approvers.Any(a => a.Contains('@', StringComparison.Ordinal))) return user;
        if (activity.ServiceUrl is not { } serviceUrl || activity.Conversation?.Id is not { } conversation || activity.From?.Id is not { } from) return user;
        try
        {
            var member = await connector.GetMemberAsync(serviceUrl, conversation, from, ct);
            var email = member.Email is { Length: > 0 } address ? address : member.UserPrincipalName is { Length: > 0 } principal ? principal : null;
            if (member.UserPrincipalName is { Length: > 0 } upn && request.Allows($"{TeamsAddress.Platform}:{upn}")) return new Decider($"{TeamsAddress.Platform}:{upn}", email);
            return user with { Email = email };
        }
        catch (Exception e) when (e is TeamsConnectorException or Chat.ChatRateLimitedException)
        {
            // Without the UPN the click is judged by the object id alone, and refused with the reason.
            LogLookupFailed(e, from, runId);
        }
        return user;
    }

    /// <summary>
    /// The Teams ids (<c>29:…</c>) of the approvers of <paramref name="request"/> among the members of conversation
    /// <paramref name="conversationId"/> (without a thread), for the approval card's <c>refresh.userIds</c>: Teams then
    /// refreshes the card automatically for those people only (at most 60), so approvers get their buttons, while
    /// everyone else sees the shared card and may refresh it by hand. Null (no <c>userIds</c>) when anyone may decide,
    /// when no approver is among the members, or when the members cannot be read: Teams then refreshes the card for
    /// everyone in a conversation of up to 60 members, as the docs advise for small conversations
    /// (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards#user-ids-in-refresh).
    /// An empty list would turn automatic refresh off for everybody, approvers included.
    /// </summary>
    public async Task<IReadOnlyList<string>?> RefreshUserIdsAsync(ApprovalRequest request, string serviceUrl, string conversationId, CancellationToken ct)
    {
        if (request.Approvers.Contains(ApprovalRequest.Anyone) || !request.Approvers.Any(IsTeamsApprover)) return null;
        IReadOnlyList<TeamsAccount> members;
        try
        {
            members = await MembersAsync(serviceUrl, conversationId, ct);
        }
        catch (Exception e) when (e is TeamsConnectorException or Chat.ChatRateLimitedException)
        {
            LogMembersFailed(e, conversationId);
            return null;
        }
        var ids = members
            .Where(m => m.Id is { Length: > 0 } && IsApprover(request, m))
            .Select(m => m.Id!)
            .Distinct(StringComparer.Ordinal)
            .Take(Cards.CardRefresh.MaxUserIds)
            .ToArray();
        return ids.Length == 0 ? null : ids;
    }

    // The conversation's members, read again once MembersFor has passed: an open card is refreshed by each approver's
    // client and on every refused click, which would otherwise cost one Connector call each.
    private async Task<IReadOnlyList<TeamsAccount>> MembersAsync(string serviceUrl, string conversationId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_members.TryGetValue(conversationId, out var known) && now - known.ReadAt < MembersFor) return known.Members;
        var members = await connector.GetMembersAsync(serviceUrl, conversationId, ct);
        foreach (var stale in _members.Where(m => now - m.Value.ReadAt >= MembersFor).Select(m => m.Key).ToArray()) _members.TryRemove(stale, out _);
        _members[conversationId] = (now, members);
        return members;
    }

    // Approvers a Teams member can be: teams:<object id or UPN> and email:<address>.
    private static bool IsTeamsApprover(string approver) =>
        approver.StartsWith($"{TeamsAddress.Platform}:", StringComparison.Ordinal) || approver.StartsWith(Decider.EmailPrefix, StringComparison.Ordinal);

    // The member under every name a click of theirs is judged by (ResolveAsync): object id, UPN, and e-mail (else UPN).
    private static bool IsApprover(ApprovalRequest request, TeamsAccount member)
    {
        var email = member.Email is { Length: > 0 } address ? address : member.UserPrincipalName;
        return (member.AadObjectId is { Length: > 0 } aad && request.Allows(new Decider($"{TeamsAddress.Platform}:{aad}", email)))
            || (member.UserPrincipalName is { Length: > 0 } upn && request.Allows(new Decider($"{TeamsAddress.Platform}:{upn}", email)))
            || request.Allows(new Decider($"{TeamsAddress.Platform}:{member.Id}", email));
    }

    private async Task<ApprovalRequest?> RequestAsync(string runId, string nodeId, CancellationToken ct)
    {
        var run = await runs.GetAsync(runId, ct);
        return ApprovalRequest.From(run?.Nodes.FirstOrDefault(n => n.NodeId == nodeId)?.Output);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams: the members of {ConversationId} could not be read; the approval card refreshes for everyone")]
    private partial void LogMembersFailed(Exception exception, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams: the UPN of {UserId} could not be looked up for an approval of run {RunId}")]
    private partial void LogLookupFailed(Exception exception, string userId, string runId);
}
