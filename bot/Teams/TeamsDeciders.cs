using ChatFlows.Core.Nodes;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// Who clicked, as approvers are written: <c>teams:&lt;AAD object id&gt;</c>, which every Teams activity carries; or
/// <c>teams:&lt;user principal name&gt;</c> when the approval lists the person by UPN, which activities do not carry and
/// is looked up from the conversation's members; or <c>email:&lt;address&gt;</c>, matched against the e-mail address (else
/// the UPN) of that same member lookup.
/// </summary>
public sealed partial class TeamsDeciders(TeamsConnector connector, IRunStore runs, ILogger<TeamsDeciders> logger)
{
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

    private async Task<ApprovalRequest?> RequestAsync(string runId, string nodeId, CancellationToken ct)
    {
        var run = await runs.GetAsync(runId, ct);
        return ApprovalRequest.From(run?.Nodes.FirstOrDefault(n => n.NodeId == nodeId)?.Output);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams: the UPN of {UserId} could not be looked up for an approval of run {RunId}")]
    private partial void LogLookupFailed(Exception exception, string userId, string runId);
}
