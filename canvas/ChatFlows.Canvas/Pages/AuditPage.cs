using ChatFlows.Core.Audit;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Pages;

/// <summary>The audit log (<c>/audit</c>, admins only), filtered by who and what.</summary>
internal static class AuditPage
{
    // Whole families first ("workflow …"), then every action by name.
    private static readonly string ActionOptions = string.Concat(
        new[] { "workflow.", "agent.", "connection.", "secret.", "signin", "run.", "approval.", "role.", "workspace." }
            .Select(prefix => $"<option value=\"{prefix}\">{prefix.TrimEnd('.')} …</option>\n                    ")
            .Concat(typeof(AuditActions).GetFields().Select(f => (string)f.GetValue(null)!).Order(StringComparer.Ordinal)
                .Select(action => $"<option value=\"{PageView.Encode(action)}\">{PageView.Encode(action)}</option>\n                    ")));

    public static PageView View(HttpContext http, StaticAssetVersions assets)
    {
        return new PageView(
            Title: "Audit log",
            Section: "audit",
            Head: $$$"""
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/runs/runs.css")}}}">
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/audit/audit.css")}}}">
            """,
            Body: $$$"""
            <div class="run-head">
              <h1>Audit log</h1>
              <span class="spacer"></span>
              <a class="button" href="/api/audit.csv" download data-testid="audit-csv">Download CSV</a>
            </div>
            <p class="muted">Who did what, when and from where in this workspace, newest first (README §Audit log).</p>

            <section class="panel" data-testid="audit-panel">
              <form class="filters audit-filters" data-testid="audit-filters" role="search">
                <label class="field">
                  <span>Who</span>
                  <input name="actor" data-testid="audit-filter-actor" placeholder="email:ana@corp.example">
                </label>
                <label class="field">
                  <span>Action</span>
                  <select name="action" data-testid="audit-filter-action">
                    <option value="">Every action</option>
            {{{ActionOptions}}}                  </select>
                </label>
                <label class="field">
                  <span>Target</span>
                  <input name="target" data-testid="audit-filter-target" placeholder="a workflow id, run id or secret name">
                </label>
                <label class="field narrow">
                  <span>From</span>
                  <input name="from" type="date" data-testid="audit-filter-from">
                </label>
                <label class="field narrow">
                  <span>Before</span>
                  <input name="to" type="date" data-testid="audit-filter-to">
                </label>
                <button type="submit" data-testid="audit-apply">Filter</button>
              </form>
              <p class="form-error" role="alert" data-testid="audit-error" hidden></p>
              <table class="list" data-testid="audit-list">
                <thead>
                  <tr><th>When</th><th>Who</th><th>Where</th><th>Action</th><th>Target</th><th>Detail</th><th>From</th></tr>
                </thead>
                <tbody></tbody>
              </table>
              <p class="empty" data-testid="audit-empty" hidden>No entries match.</p>
              <div class="more">
                <button type="button" data-testid="audit-more" hidden>Older entries</button>
              </div>
            </section>
            """,
            Scripts: $$$"""
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/audit/audit.js")}}}"></script>
            """);
    }
}
