namespace ChatFlows.Core.Workspaces;

/// <summary>A role given to a principal in a workspace (README §Workspaces and roles).</summary>
/// <param name="Workspace">The workspace.</param>
/// <param name="Principal">Who (<see cref="Principals"/>): <c>email:ana@corp.example</c>, <c>group:finance</c>, <c>slack:U012</c>, <c>signed-in:*</c>, …</param>
/// <param name="Role">The role; never <see cref="Role.None"/> (that is no grant at all).</param>
/// <param name="GrantedBy">Who gave it (the identity of the admin, or <c>system</c>).</param>
/// <param name="GrantedAt">When.</param>
public sealed record WorkspaceGrant(string Workspace, string Principal, Role Role, string GrantedBy, DateTimeOffset GrantedAt);
