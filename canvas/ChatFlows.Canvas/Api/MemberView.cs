using ChatFlows.Core.Workspaces;

namespace ChatFlows.Canvas.Api;

/// <summary>A grant as the members API shows it.</summary>
/// <param name="Principal">Who (<c>email:ana@corp.example</c>, <c>group:finance</c>, <c>slack:U012</c>, <c>signed-in:*</c>, …).</param>
/// <param name="Role">viewer, runner, editor or admin.</param>
/// <param name="GrantedBy">Who gave it.</param>
/// <param name="GrantedAt">When.</param>
public sealed record MemberView(string Principal, string Role, string GrantedBy, DateTimeOffset GrantedAt)
{
    /// <summary>The view of <paramref name="grant"/>.</summary>
    public static MemberView From(WorkspaceGrant grant) => new(grant.Principal, grant.Role.Name(), grant.GrantedBy, grant.GrantedAt);
}
