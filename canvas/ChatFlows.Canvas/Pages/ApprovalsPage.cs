using ChatFlows.Canvas.Api;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Pages;

/// <summary>My approvals (<c>/approvals</c>): what waits for the caller, across every workflow.</summary>
internal static class ApprovalsPage
{
    public static PageView View(HttpContext http, StaticAssetVersions assets)
    {
        return new PageView(
            Title: "My approvals",
            Section: "approvals",
            Head: $$$"""
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/approvals/approvals.css")}}}">
            """,
            // Everything here is done as whoever uses the page, as the host established it; nobody types a name.
            Body: $$$"""
            <div class="run-head">
              <h1>My approvals</h1>
              <span class="spacer"></span>
              <label class="toggle" data-testid="approvals-all-toggle" hidden>
                <input type="checkbox" data-testid="approvals-all"> All waiting approvals
              </label>
            </div>
            <p class="muted" data-testid="approvals-as" data-decider-id="{{{PageView.Encode(Caller.Of(http)?.Id)}}}">
              What waits for <strong>{{{PageView.Encode(Caller.NameOf(http.User) ?? "you")}}}</strong>, oldest first, across every workflow.
            </p>
            <p class="form-error" role="alert" data-testid="approvals-load-error" hidden></p>
            <div class="approval-inbox" data-testid="approvals-list"></div>
            <p class="empty" data-testid="approvals-empty" hidden>Nothing waits for you. When a workflow asks you to approve something, it appears here as well as in chat.</p>
            """,
            Scripts: $$$"""
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/approvals/approval-state.js")}}}"></script>
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/approvals/approvals.js")}}}"></script>
            """);
    }
}
