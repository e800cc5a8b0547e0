using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas.Pages;

/// <summary>The saved versions of a workflow (<c>/workflows/{id}/history</c>).</summary>
internal static class HistoryPage
{
    public static PageView View(HttpContext http, StaticAssetVersions assets)
    {
        // A workflow's saved versions (README §Workflow history); also of a deleted workflow, whose history stays.
        var id = http.GetRouteValue("id") as string ?? "";
        var pages = PageView.Encode(http.Request.PathBase.Value);
        return new PageView(
            Title: $"History of {id}",
            Section: "editor",
            Head: $$$"""
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/history/history.css")}}}">
            """,
            Body: $$$"""
            <div data-testid="history" data-workflow-id="{{{PageView.Encode(id)}}}">
              <h1>History of <span data-testid="history-title">{{{PageView.Encode(id)}}}</span></h1>
              <p class="muted">
                <a href="{{{pages}}}/workflows/{{{PageView.Encode(Uri.EscapeDataString(id))}}}" data-testid="history-editor-link">Open in the editor</a>
                · Every save is a version. Restoring a version saves its content as a new version; nothing is lost.
              </p>
              <p class="form-error" data-testid="history-deleted" hidden>This workflow was deleted. Its history stays; restoring a version creates it again.</p>

              <section class="panel" data-testid="versions-panel">
                <table class="list" data-testid="version-list">
                  <thead>
                    <tr><th>Version</th><th>Saved</th><th>By</th><th>Changes</th><th></th></tr>
                  </thead>
                  <tbody></tbody>
                </table>
              </section>

              <section class="panel" data-testid="diff-panel">
                <div class="panel-head">
                  <h2>Compare</h2>
                  <label>Version <select data-testid="diff-from" aria-label="Older version"></select></label>
                  <label>with <select data-testid="diff-to" aria-label="Newer version"></select></label>
                </div>
                <p class="muted" data-testid="diff-summary"></p>
                <div class="diff" data-testid="diff"></div>
              </section>

              <dialog data-testid="restore-dialog">
                <form method="dialog">
                  <h2>Restore this version?</h2>
                  <p data-testid="restore-message"></p>
                  <p class="field-error" data-testid="restore-error" hidden></p>
                  <div class="buttons">
                    <button type="button" data-testid="restore-cancel">Cancel</button>
                    <button type="submit" class="primary" data-testid="restore-confirm">Restore</button>
                  </div>
                </form>
              </dialog>
            </div>
            """,
            Scripts: $$$"""
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/history/history.js")}}}"></script>
            """);
    }
}
