using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>GET /api/workspaces</c> (README §Workspaces and roles): the workspaces, by id, each with its name and the
/// prefixes of its API and pages, for the canvas's workspace switcher and for scripts.
/// </summary>
public static class WorkspaceListApi
{
    /// <summary>Maps the list.</summary>
    public static IEndpointRouteBuilder MapWorkspaceListApi(this IEndpointRouteBuilder app)
    {
        // Every caller lists workspaces, whichever ones they hold a role in; which are theirs is up to the list.
        app.MapGet("/api/workspaces", ListAsync).RequireRole(Role.None);
        return app;
    }

    private static async Task<Ok<WorkspaceList>> ListAsync(HttpContext http, IWorkspaceStore workspaces, CancellationToken ct)
    {
        var all = await workspaces.ListAsync(ct);
        return TypedResults.Ok(new WorkspaceList(
            all.Select(w => new WorkspaceSummary(w.Id, w.Name, WorkspaceRoute.ApiPrefix(w.Id), WorkspaceRoute.PagePrefix(w.Id) + "/")).ToArray(),
            WorkspaceRoute.Of(http)));
    }
}

/// <summary>The answer to <c>GET /api/workspaces</c>: the workspaces by id, and the one the request addressed.</summary>
internal sealed record WorkspaceList(IReadOnlyList<WorkspaceSummary> Items, string Current);

/// <summary>A workspace in a list: its id, name, API prefix (<c>/api/w/hr</c>) and dashboard (<c>/w/hr/</c>).</summary>
internal sealed record WorkspaceSummary(string Id, string Name, string Api, string Page);
