using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Workspaces;

/// <summary>Workspaces made through the host's own store, for tests of what belongs to them.</summary>
internal static class TestWorkspaces
{
    /// <summary>Creates workspace <paramref name="id"/> on the host unless it exists.</summary>
    public static async Task EnsureAsync(IServiceProvider services, string id)
    {
        var store = services.GetRequiredService<IWorkspaceStore>();
        if (await store.GetAsync(id) is null) await store.CreateAsync(new Workspace(id, id, WorkspacePolicy.Open, [], DateTimeOffset.UtcNow));
    }
}
