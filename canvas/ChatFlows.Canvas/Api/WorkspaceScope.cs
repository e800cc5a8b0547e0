using System.Collections.Concurrent;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// Keeps every request inside the workspace its path addresses (README §Workspaces and roles), after routing: an
/// unknown workspace is a 404 naming it, and a workflow or run of another workspace, addressed by id under
/// <c>/api/workflows/{id}</c> or <c>/api/runs/{id}</c> (every endpoint there, present and future), is a 404 worded
/// as if it did not exist, so one team cannot even learn another's ids.
/// </summary>
public static class WorkspaceScope
{
    private const string WorkflowRoutes = "/api/workflows/{id}";
    private const string RunRoutes = "/api/runs/{id}";

    /// <summary>Answers 404 for unknown workspaces and for items outside the addressed workspace; must run after routing.</summary>
    public static IApplicationBuilder UseWorkspaceScope(this IApplicationBuilder app)
    {
        // Workspaces are never deleted, so a workspace once found stays known; a miss asks the store again, so one
        // created a moment ago is found at once.
        var known = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal) { [WorkspaceIds.Default] = true };
        return app.Use(async (http, next) =>
        {
            var workspace = WorkspaceRoute.Of(http);
            if (!known.ContainsKey(workspace))
            {
                if (await http.RequestServices.GetRequiredService<IWorkspaceStore>().GetAsync(workspace, http.RequestAborted) is null)
                {
                    await NotFound(http, "No such workspace.", $"There is no workspace '{workspace}'.");
                    return;
                }
                known[workspace] = true;
            }
            if (await OutsideAsync(http, workspace) is { } missing)
            {
                await NotFound(http, missing.Title, missing.Detail);
                return;
            }
            await next(http);
        });
    }

    /// <summary>True when <paramref name="run"/> belongs to the workspace <paramref name="http"/> addresses.</summary>
    public static bool Holds(HttpContext http, StoredRun run) => run.Workspace == WorkspaceRoute.Of(http);

    /// <summary>True when <paramref name="workflow"/> belongs to the workspace <paramref name="http"/> addresses.</summary>
    public static bool Holds(HttpContext http, StoredWorkflow workflow) => workflow.Document.Workspace == WorkspaceRoute.Of(http);

    private static async Task<(string Title, string Detail)?> OutsideAsync(HttpContext http, string workspace)
    {
        if (http.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } pattern } || http.GetRouteValue("id") is not string id) return null;
        var services = http.RequestServices;
        if (Under(pattern, WorkflowRoutes))
        {
            var workflow = await services.GetRequiredService<IWorkflowStore>().GetAsync(id, http.RequestAborted);
            return workflow is not null && workflow.Document.Workspace != workspace ? ("No such workflow.", $"There is no workflow '{id}'.") : null;
        }
        if (Under(pattern, RunRoutes))
        {
            var run = await services.GetRequiredService<IRunStore>().GetAsync(id, http.RequestAborted);
            return run is not null && run.Workspace != workspace ? ("No such run.", $"There is no run '{id}'.") : null;
        }
        return null;
    }

    private static bool Under(string pattern, string prefix)
    {
        var path = "/" + pattern.TrimStart('/');
        return path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/');
    }

    private static Task NotFound(HttpContext http, string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: StatusCodes.Status404NotFound).ExecuteAsync(http);
}
