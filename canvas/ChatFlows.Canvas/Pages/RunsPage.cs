using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Pages;

/// <summary>The runs list (<c>/runs</c>), filtered by workflow and status.</summary>
internal static class RunsPage
{
    public static PageView View(HttpContext http, StaticAssetVersions assets)
    {
        return new PageView(
            Title: "Runs",
            Section: "runs",
            Head: $$$"""
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/runs/runs.css")}}}">
            """,
            Body: $$$"""
            <h1>Runs</h1>

            <section class="panel" data-testid="runs-panel">
              <form class="filters" data-testid="run-filters" role="search" onsubmit="return false">
                <label class="field">
                  <span>Workflow</span>
                  <select name="workflow" data-testid="filter-workflow"><option value="">All workflows</option></select>
                </label>
                <label class="field">
                  <span>Status</span>
                  <select name="status" data-testid="filter-status">
                    <option value="">Any status</option>
                    <option value="queued">queued</option>
                    <option value="running">running</option>
                    <option value="waiting">waiting</option>
                    <option value="succeeded">succeeded</option>
                    <option value="failed">failed</option>
                    <option value="cancelled">cancelled</option>
                    <option value="expired">expired</option>
                  </select>
                </label>
                <span class="muted live-note" data-testid="runs-live" hidden>Updating while runs are going…</span>
              </form>
              <p class="muted" data-testid="runs-history-note" hidden></p>
              <table class="list" data-testid="run-list">
                <thead>
                  <tr><th>Run</th><th>Workflow</th><th>Status</th><th>Started by</th><th>Started</th><th>Duration</th><th>Error</th></tr>
                </thead>
                <tbody></tbody>
              </table>
              <p class="empty" data-testid="run-empty" hidden>No runs match.</p>
              <div class="more">
                <button type="button" data-testid="run-more" hidden>Older runs</button>
              </div>
            </section>
            """,
            Scripts: $$$"""
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/runs/runs.js")}}}"></script>
            """);
    }
}
