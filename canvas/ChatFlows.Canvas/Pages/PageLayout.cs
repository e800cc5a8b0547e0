using System.Text;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Canvas.Pages;

/// <summary>The frame of every canvas page: head, top bar with the sections and the workspace switcher, toasts.</summary>
internal static class PageLayout
{
    /// <summary>Writes <paramref name="page"/> in the frame as the response.</summary>
    public static async Task WriteAsync(HttpContext http, StaticAssetVersions assets, PageView page)
    {
        var workspaceStore = http.RequestServices.GetRequiredService<IWorkspaceStore>();
        // The page's workspace (README §Workspaces and roles): its pages are under /w/{workspace}/ (the path base), its
        // scripts call /api/w/{workspace}/ (the chatflows-api meta), and the switcher shows when there is a choice.
        var workspace = WorkspaceRoute.Of(http);
        var workspaces = await workspaceStore.ListAsync(http.RequestAborted);
        var pages = PageView.Encode(http.Request.PathBase.Value);
        string Current(string name) => page.Section == name ? "page" : "false";
        var admin = CallerRole.Of(http) >= Role.Admin
            ? $$$"""

                    <a href="{{{pages}}}/members" aria-current="{{{Current("members")}}}" data-testid="nav-members">Members</a>
                    <a href="{{{pages}}}/audit" aria-current="{{{Current("audit")}}}" data-testid="nav-audit">Audit log</a>
              """
            : "";
        var switcher = new StringBuilder();
        if (workspaces.Count > 1)
        {
            switcher.Append("\n    <label class=\"workspace-switch\">\n      <span class=\"muted\">Workspace</span>\n      <select data-testid=\"workspace-switch\" aria-label=\"Workspace\">\n");
            foreach (var choice in workspaces)
            {
                var selected = choice.Id == workspace ? " selected" : "";
                switcher.Append($"        <option value=\"{PageView.Encode(choice.Id)}\" data-href=\"{PageView.Encode(WorkspaceRoute.PagePrefix(choice.Id))}/\"{selected}>{PageView.Encode(choice.Name)}</option>\n");
            }
            switcher.Append("      </select>\n    </label>");
        }
        var bodyClass = page.BodyClass is null ? "" : $" class=\"{PageView.Encode(page.BodyClass)}\"";
        var html = $$$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{{{PageView.Encode(page.Title)}}} · ChatFlows</title>
              <link rel="icon" href="data:,">
              <meta name="chatflows-workspace" content="{{{PageView.Encode(workspace)}}}">
              <meta name="chatflows-api" content="{{{PageView.Encode(WorkspaceRoute.ApiPrefix(workspace))}}}">
              <meta name="chatflows-pages" content="{{{PageView.Encode(WorkspaceRoute.PagePrefix(workspace))}}}">
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/canvas.css")}}}">
            {{{page.Head}}}
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/canvas.js")}}}"></script>
            </head>
            <body{{{bodyClass}}}>
              <header class="topbar">
                <a class="brand" href="{{{pages}}}/"><span class="brand-mark" aria-hidden="true">◆</span> ChatFlows</a>
                <nav aria-label="Main">
                  <a href="{{{pages}}}/" aria-current="{{{Current("dashboard")}}}" data-testid="nav-dashboard">Dashboard</a>
                  <a href="{{{pages}}}/runs" aria-current="{{{Current("runs")}}}" data-testid="nav-runs">Runs</a>
                  <a href="{{{pages}}}/knowledge" aria-current="{{{Current("knowledge")}}}" data-testid="nav-knowledge">Knowledge</a>
                  <a href="{{{pages}}}/approvals" aria-current="{{{Current("approvals")}}}" data-testid="nav-approvals">My approvals</a>
                  <a href="/playground" data-testid="nav-playground">Playground</a>{{{admin}}}
                </nav>{{{switcher}}}
              </header>
              <main class="page">
            {{{page.Body}}}
              </main>
              <div class="toasts" data-testid="toasts" aria-live="polite"></div>
            {{{page.Scripts}}}
            </body>
            </html>

            """;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(html, http.RequestAborted);
    }
}
