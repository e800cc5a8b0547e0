using System.Net;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Bot.Access;

/// <summary>
/// Checks the role every endpoint and page declares (<see cref="RequiredRole"/>, README §Workspaces and roles) against
/// the caller's role in the addressed workspace (<see cref="WorkspaceRoute"/>), after <see cref="AccessGate"/> said
/// who the caller is. A refusal is a 403 naming the role needed, the caller's role and who can grant it: problem JSON
/// for programs, a short page for browsers. An endpoint that declares no role is refused, so a new endpoint cannot be
/// open by mistake.
/// </summary>
public sealed class RoleGate(RequestDelegate next, WorkspaceRoles roles, IWorkspaceStore workspaces)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint() is not { } endpoint)
        {
            await next(http);
            return;
        }
        var declared = endpoint.Metadata.GetOrderedMetadata<RequiredRole>();
        if (declared.Count == 0)
        {
            await Results.Problem(
                title: "This endpoint declares no role.",
                detail: $"'{endpoint.DisplayName}' says no role a caller needs, so nobody may use it; it needs .RequireRole(…) (README §Workspaces and roles).",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(http);
            return;
        }
        // A group's role and an endpoint's own both apply: the highest wins.
        var needed = declared.Max(r => r.Role);
        if (needed == Role.None)
        {
            await next(http);
            return;
        }

        var workspace = WorkspaceRoute.Of(http);
        var role = await roles.RoleOfAsync(http.User, workspace, http.RequestAborted);
        if (role == Role.None && workspace != WorkspaceIds.Default && await workspaces.GetAsync(workspace, http.RequestAborted) is null)
        {
            await Results.Problem(title: "No such workspace.", detail: $"There is no workspace '{workspace}'.", statusCode: StatusCodes.Status404NotFound).ExecuteAsync(http);
            return;
        }
        CallerRole.Remember(http, role);
        if (role >= needed)
        {
            await next(http);
            return;
        }

        var sentence = WorkspaceRoles.Refusal(needed, role, workspace);
        if (HttpMethods.IsGet(http.Request.Method) && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync($"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Not allowed · ChatFlows</title><link rel="icon" href="data:,"></head>
                <body><main><h1>Not allowed</h1><p data-testid="refusal">{WebUtility.HtmlEncode(sentence)}</p><p><a href="/">Dashboard</a></p></main></body></html>
                """);
            return;
        }
        await Results.Problem(title: $"This needs the {needed.Name()} role.", detail: sentence, statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(http);
    }
}
