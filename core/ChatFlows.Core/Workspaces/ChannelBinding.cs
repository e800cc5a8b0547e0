namespace ChatFlows.Core.Workspaces;

/// <summary>
/// Which workspaces a chat channel sees (README §Workspaces and roles): those that list it in their channels, or the
/// default workspace alone when none does, so that a single-workspace install sees every workflow from every channel.
/// </summary>
public static class ChannelBinding
{
    /// <summary>A channel as workspaces list it: <c>playground:#hr</c> is written <c>playground:hr</c>.</summary>
    public static string Normalize(string channel)
    {
        var trimmed = channel.Trim();
        return trimmed.StartsWith("playground:#", StringComparison.Ordinal) ? "playground:" + trimmed["playground:#".Length..] : trimmed;
    }

    /// <summary>The ids of the workspaces <paramref name="channel"/> is bound to, or the default workspace when it is bound to none.</summary>
    public static IReadOnlySet<string> WorkspacesOf(IEnumerable<Workspace> workspaces, string channel)
    {
        var normalized = Normalize(channel);
        var bound = workspaces.Where(w => w.Channels.Contains(normalized, StringComparer.Ordinal)).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        return bound.Count > 0 ? bound : new HashSet<string>(StringComparer.Ordinal) { WorkspaceIds.Default };
    }

    /// <summary>The workspaces <paramref name="channel"/> sees, from the store.</summary>
    public static async Task<IReadOnlySet<string>> WorkspacesOfAsync(this IWorkspaceStore store, string channel, CancellationToken ct = default) =>
        WorkspacesOf(await store.ListAsync(ct), channel);
}
