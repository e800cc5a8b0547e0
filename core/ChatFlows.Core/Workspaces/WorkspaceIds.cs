using System.Text.RegularExpressions;

namespace ChatFlows.Core.Workspaces;

/// <summary>
/// Workspace ids (README §Workspaces and roles): lowercase letters, digits and dashes, 1–40 characters, so an id is
/// safe in a path (<c>/api/w/{workspace}/…</c>, <c>/w/{workspace}/…</c>). Everything that existed before workspaces
/// belongs to <see cref="Default"/>.
/// </summary>
public static partial class WorkspaceIds
{
    /// <summary>The workspace that holds everything created without naming one, and what today's paths mean.</summary>
    public const string Default = "default";

    /// <summary>True when <paramref name="id"/> is a well-formed workspace id.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>What is wrong with <paramref name="id"/> as a workspace id, or null when it is well formed.</summary>
    public static string? Problem(string? id) => IsValid(id)
        ? null
        : $"'{id}' is not a workspace id: use 1–40 lowercase letters, digits and dashes, starting with a letter or digit (for example 'hr' or 'platform-team').";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
