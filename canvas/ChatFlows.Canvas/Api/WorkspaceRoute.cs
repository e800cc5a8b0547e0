using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// The workspace a request addresses (README §Workspaces and roles): <c>/api/w/{workspace}/…</c> is the API of that
/// workspace and <c>/w/{workspace}/…</c> its pages; today's paths (<c>/api/…</c>, <c>/workflows/…</c>) mean
/// <see cref="WorkspaceIds.Default"/>. The prefix is taken off before routing, so every endpoint is mapped once and
/// reads its workspace with <see cref="Of"/>.
/// </summary>
public static class WorkspaceRoute
{
    private const string ItemKey = "chatflows:workspace";

    /// <summary>The workspace <paramref name="http"/> addresses.</summary>
    public static string Of(HttpContext http) => http.Items[ItemKey] as string ?? WorkspaceIds.Default;

    /// <summary>The path prefix of <paramref name="workspace"/>'s API: <c>/api</c> for the default one, else <c>/api/w/{workspace}</c>.</summary>
    public static string ApiPrefix(string workspace) => workspace == WorkspaceIds.Default ? "/api" : $"/api/w/{workspace}";

    /// <summary>The path prefix of <paramref name="workspace"/>'s pages: empty for the default one, else <c>/w/{workspace}</c>.</summary>
    public static string PagePrefix(string workspace) => workspace == WorkspaceIds.Default ? "" : $"/w/{workspace}";

    /// <summary>
    /// Takes the workspace prefix off the path and remembers the workspace; must run before routing. A malformed
    /// workspace id is a 400 naming it.
    /// </summary>
    public static IApplicationBuilder UseWorkspaceRoutes(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var path = http.Request.Path;
        if (Strip(path, "/api/w", out var workspace, out var rest))
        {
            if (!await RememberAsync(http, workspace)) return;
            http.Request.Path = "/api" + rest;
        }
        else if (Strip(path, "/w", out workspace, out rest))
        {
            if (!await RememberAsync(http, workspace)) return;
            http.Request.PathBase = http.Request.PathBase.Add($"/w/{workspace}");
            http.Request.Path = rest.HasValue ? rest : "/";
        }
        await next(http);
    });

    private static bool Strip(PathString path, string prefix, out string workspace, out PathString rest)
    {
        workspace = "";
        rest = default;
        if (!path.StartsWithSegments(prefix, StringComparison.Ordinal, out var afterPrefix) || !afterPrefix.HasValue) return false;
        var value = afterPrefix.Value!;
        var end = value.IndexOf('/', 1);
        workspace = end < 0 ? value[1..] : value[1..end];
        rest = end < 0 ? PathString.Empty : new PathString(value[end..]);
        return true;
    }

    private static async Task<bool> RememberAsync(HttpContext http, string workspace)
    {
        if (WorkspaceIds.Problem(workspace) is { } problem)
        {
            await Results.Problem(title: "No such workspace.", detail: problem, statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(http);
            return false;
        }
        http.Items[ItemKey] = workspace;
        return true;
    }
}
