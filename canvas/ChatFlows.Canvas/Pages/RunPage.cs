using ChatFlows.Canvas.Api;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Pages;

/// <summary>One run (<c>/runs/{id}</c>): its facts, timeline, approvals and log.</summary>
internal static class RunPage
{
    public static PageView View(HttpContext http, StaticAssetVersions assets)
    {
        return new PageView(
            Title: "Run",
            Section: "runs",
            Head: $$$"""
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/runs/runs.css")}}}">
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/approvals/approvals.css")}}}">
            """,
            // Decisions are made as whoever uses the page, as the host established it; nobody types a name.
            Body: $$$"""
            <div class="run-head">
              <h1>Run <code data-testid="run-id"></code></h1>
              <span data-testid="run-status"></span>
              <span class="spacer"></span>
              <a class="button" data-testid="run-open-canvas" href="#">Open on canvas</a>
              <button type="button" class="danger" data-testid="run-cancel" hidden>Cancel run</button>
            </div>
            <p class="form-error" role="alert" data-testid="run-load-error" hidden></p>
            <p class="replay-of" data-testid="run-replay-of" hidden></p>

            <div data-testid="run-body" hidden>
              <section class="panel">
                <dl class="facts" data-testid="run-facts"></dl>
                <div class="form-error" data-testid="run-error" hidden></div>
              </section>

                <section class="panel" data-testid="run-approvals" data-decider="{{{PageView.Encode(Caller.NameOf(http.User))}}}" data-decider-id="{{{PageView.Encode(Caller.Of(http)?.Id)}}}" hidden>
                <h2>Waiting for a decision</h2>
                <div data-testid="approval-list"></div>
              </section>

              <section class="panel" data-testid="run-replays" hidden>
                <h2>Replays</h2>
                <ul class="replays" data-testid="replay-list"></ul>
              </section>

              <section class="panel">
                <div class="panel-head">
                  <h2>Timeline</h2>
                  <span class="muted" data-testid="timeline-span"></span>
                </div>
                <div class="timeline" data-testid="timeline"></div>
              </section>

              <section class="panel two-columns">
                <div>
                  <h2>Trigger payload</h2>
                  <pre data-testid="run-trigger"></pre>
                </div>
                <div>
                  <h2>Data</h2>
                  <pre data-testid="run-data"></pre>
                  <div data-testid="run-result-box" hidden>
                    <h2>Result</h2>
                    <pre data-testid="run-result"></pre>
                  </div>
                </div>
              </section>

              <section class="panel">
                <h2>In chat</h2>
                <table class="list" data-testid="run-chat">
                  <thead><tr><th>Message</th><th>Node</th><th>Where</th><th>Message id</th><th>Last error</th></tr></thead>
                  <tbody></tbody>
                </table>
                <p class="empty" data-testid="run-chat-empty" hidden>This run has posted nothing in chat.</p>
              </section>
            </div>
            """,
            Scripts: $$$"""
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/approvals/approval-state.js")}}}"></script>
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/runs/run.js")}}}"></script>
            """);
    }
}
