using System.Security.Claims;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Access;

/// <summary>
/// The one place a caller's role in a workspace is worked out (README §Workspaces and roles): the highest role of the
/// workspace's grants that name the caller, directly (<c>email:ana@corp.example</c>, <c>slack:U012</c>), through a
/// group (<c>group:finance</c> from the OpenID Connect <c>groups</c> claim, <c>slack-group:S…</c> through Slack's
/// user-group lookup) or a wildcard (<c>signed-in:*</c>, <c>slack:*</c>, …). The API key has the role
/// <c>ChatFlows:Access:ApiKeyRole</c> in every workspace, and the people of <c>ChatFlows:Approvals:Admins</c> are
/// admins of every workspace.
/// </summary>
public sealed partial class WorkspaceRoles(
    IWorkspaceGrants grants, Approvals approvals, IEnumerable<IApproverGroups> groups, IOptions<AccessOptions> access, ILogger<WorkspaceRoles> logger)
{
    /// <summary>The claim the OpenID Connect provider lists a person's groups in, kept in the sign-in cookie.</summary>
    public const string GroupsClaim = "groups";

    /// <summary>The role of the caller of the canvas, the API or the Playground page in <paramref name="workspace"/>.</summary>
    public async Task<Role> RoleOfAsync(ClaimsPrincipal user, string workspace, CancellationToken ct = default)
    {
        if (user.Identity?.AuthenticationType == Callers.ApiKey) return access.Value.KeyRole;
        if (Caller.Of(user) is not { } caller) return Role.None;
        if (approvals.IsAdmin(caller)) return Role.Admin;
        var names = new HashSet<string>(StringComparer.Ordinal) { caller.Id };
        if (user.Identity?.AuthenticationType == Callers.LocalUser) names.Add(Principals.Local);
        if (Callers.IsSignedIn(user))
        {
            names.Add(Principals.AnySignedIn);
            if (user.FindFirst("sub")?.Value is { Length: > 0 } subject) names.Add("oidc:" + subject);
            foreach (var group in user.FindAll(GroupsClaim)) names.Add(Principals.GroupPrefix + group.Value);
        }
        return await HighestAsync(workspace, names, member: null, ct);
    }

    /// <summary>The role of a chat identity (<c>slack:U012</c>, <c>teams:…</c>, <c>playground:ada</c>) in <paramref name="workspace"/>.</summary>
    public async Task<Role> RoleOfAsync(string chatIdentity, string workspace, CancellationToken ct = default)
    {
        if (approvals.IsAdmin(Decider.FromEntry(chatIdentity))) return Role.Admin;
        var names = new HashSet<string>(StringComparer.Ordinal) { chatIdentity };
        if (Principals.WildcardOf(chatIdentity) is { } wildcard) names.Add(wildcard);
        return await HighestAsync(workspace, names, chatIdentity, ct);
    }

    /// <summary>The sentence a refusal gives: which role is needed, which the caller has, and who can grant it.</summary>
    public static string Refusal(Role needed, Role has, string workspace) =>
        $"This needs the {needed.Name()} role in workspace '{workspace}'; you are {has.WithArticle()}. Ask an admin of '{workspace}' (Members page).";

    private async Task<Role> HighestAsync(string workspace, HashSet<string> names, string? member, CancellationToken ct)
    {
        var highest = Role.None;
        foreach (var grant in await grants.ListAsync(workspace, ct))
        {
            if (grant.Role <= highest) continue;
            if (names.Contains(grant.Principal) || (member is not null && await IsMemberAsync(grant.Principal, member, ct))) highest = grant.Role;
        }
        return highest;
    }

    // Slack user groups are read through the approvals' group lookup, which caches each group's members for a while.
    private async Task<bool> IsMemberAsync(string principal, string member, CancellationToken ct)
    {
        if (!principal.StartsWith(Principals.SlackGroupPrefix, StringComparison.Ordinal) || !member.StartsWith("slack:", StringComparison.Ordinal)) return false;
        if (groups.FirstOrDefault(g => g.Owns(principal)) is not { } source) return false;
        try
        {
            return (await source.MembersAsync(principal, ct)).Contains(member, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogGroupUnreadable(e, principal);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The members of {Group} could not be read; its role is not given")]
    private partial void LogGroupUnreadable(Exception error, string group);
}
