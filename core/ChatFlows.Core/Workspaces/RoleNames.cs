namespace ChatFlows.Core.Workspaces;

/// <summary>Roles as written in grants, settings and messages: <c>viewer</c>, <c>runner</c>, <c>editor</c>, <c>admin</c>.</summary>
public static class RoleNames
{
    /// <summary>The roles that can be granted, lowest first.</summary>
    public static IReadOnlyList<Role> Grantable { get; } = [Role.Viewer, Role.Runner, Role.Editor, Role.Admin];

    /// <summary>The role's name, e.g. <c>editor</c>; <c>none</c> for <see cref="Role.None"/>.</summary>
    public static string Name(this Role role) => role.ToString().ToLowerInvariant();

    /// <summary>The role called <paramref name="name"/> (any case), or null when it names no grantable role.</summary>
    public static Role? Parse(string? name) =>
        Grantable.Cast<Role?>().FirstOrDefault(r => string.Equals(r!.Value.Name(), name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The role with its article, for sentences: <c>a viewer</c>, <c>an editor</c>.</summary>
    public static string WithArticle(this Role role) => role switch
    {
        Role.None => "nobody there (no role)",
        Role.Editor or Role.Admin => $"an {role.Name()}",
        _ => $"a {role.Name()}",
    };
}
