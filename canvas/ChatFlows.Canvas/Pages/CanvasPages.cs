using ChatFlows.Canvas.Api;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Canvas.Pages;

/// <summary>
/// The canvas's pages: HTML shells that their scripts fill from the JSON API, framed by <see cref="PageLayout"/>. They are
/// plain endpoints, not MVC, which the host would otherwise load for them alone (README §Memory).
/// </summary>
public static class CanvasPages
{
    private static readonly ProducesResponseTypeMetadata Html = new(StatusCodes.Status200OK, typeof(string), ["text/html"]);

    /// <summary>Maps every page; each needs the viewer role, the Members and Audit log pages admin (README §Workspaces and roles).</summary>
    public static IEndpointRouteBuilder MapCanvasPages(this IEndpointRouteBuilder app)
    {
        var assets = app.ServiceProvider.GetRequiredService<StaticAssetVersions>();
        Map(app, assets, "/", DashboardPage.View);
        Map(app, assets, "/runs", RunsPage.View);
        Map(app, assets, "/runs/{id}", RunPage.View);
        Map(app, assets, "/knowledge", KnowledgePage.View);
        Map(app, assets, "/approvals", ApprovalsPage.View);
        Map(app, assets, "/workflows/{id}", EditorPage.View);
        Map(app, assets, "/workflows/{id}/history", HistoryPage.View);
        Map(app, assets, "/members", MembersPage.View, Role.Admin);
        Map(app, assets, "/audit", AuditPage.View, Role.Admin);
        return app;
    }

    private static void Map(IEndpointRouteBuilder app, StaticAssetVersions assets, string pattern, Func<HttpContext, StaticAssetVersions, PageView> view, Role role = Role.Viewer) =>
        app.MapGet(pattern, http => PageLayout.WriteAsync(http, assets, view(http, assets)))
            .WithMetadata(Html)
            .RequireRole(role);
}
