using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Pages;

/// <summary>The dashboard (<c>/</c>): widgets, every workflow with its triggers, recent runs.</summary>
internal static class DashboardPage
{
    public static PageView View(HttpContext http, StaticAssetVersions assets)
    {
        var pages = PageView.Encode(http.Request.PathBase.Value);
        return new PageView(
            Title: "Dashboard",
            Section: "dashboard",
            Head: $$$"""
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/dashboard/dashboard.css")}}}">
            """,
            Body: $$$"""
            <h1>Dashboard</h1>

            <section class="panel" aria-labelledby="widgets-title" data-testid="widgets-panel">
              <div class="panel-head">
                <h2 id="widgets-title">Widgets</h2>
              </div>
              <div class="widget-grid" data-testid="widget-grid"></div>
              <p class="empty" data-testid="widget-empty" hidden>No widgets yet. Add a <strong>Dashboard widget</strong> node (<code>output/widget</code>) to a workflow: each run sets its number, text, table, list or chart here — a schedule keeps it up to date.</p>
              <p class="form-error" role="alert" data-testid="widget-error" hidden></p>
            </section>

            <section class="panel" aria-labelledby="workflows-title" data-testid="workflows-panel">
              <div class="panel-head">
                <h2 id="workflows-title">Workflows</h2>
                <button type="button" data-testid="workflow-import">Import…</button>
                <a class="button primary" href="{{{pages}}}/workflows/new" data-testid="workflow-new">New workflow</a>
              </div>
              <table class="list" data-testid="workflow-list">
                <thead>
                  <tr><th>Workflow</th><th>Triggers</th><th>Next run</th><th>Last run</th><th><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody></tbody>
              </table>
              <p class="empty" data-testid="workflow-empty" hidden>No workflows yet. Create one, or import a JSON document.</p>
            </section>

            <section class="panel" aria-labelledby="agents-title" data-testid="agents-panel">
              <div class="panel-head">
                <h2 id="agents-title">Agents</h2>
                <button type="button" class="primary" data-testid="agent-new">New agent</button>
              </div>
              <table class="list" data-testid="agent-list">
                <thead>
                  <tr><th>Agent</th><th>Model</th><th>Temperature</th><th>Tools</th><th><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody></tbody>
              </table>
              <p class="empty" data-testid="agent-empty" hidden>No agents yet. An agent is an LLM with instructions and tools that agent nodes use.</p>
            </section>

            <section class="panel" aria-labelledby="connections-title" data-testid="connections-panel">
              <div class="panel-head">
                <h2 id="connections-title">Connections</h2>
                <button type="button" class="primary" data-testid="connection-new">New connection</button>
              </div>
              <table class="list" data-testid="connection-list">
                <thead>
                  <tr><th>Connection</th><th>Type</th><th>Workflows</th><th>Credentials</th><th><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody></tbody>
              </table>
              <p class="empty" data-testid="connection-empty" hidden>No connections yet. A connection holds the address and credentials of a mail server, database, GitHub or HTTP API, so workflows name it instead of holding secrets.</p>
            </section>

            <dialog data-testid="connection-dialog" aria-labelledby="connection-dialog-title">
              <form method="dialog" novalidate>
                <h2 id="connection-dialog-title">New connection</h2>
                <div class="field-row connection-head">
                  <label class="field" data-field="name">
                    <span>Name</span>
                    <input name="name" data-testid="connection-name" autocomplete="off" spellcheck="false" placeholder="orders-api">
                    <span class="hint">Lower-case letters, digits, '-' and '_'; nodes refer to it. It cannot change later.</span>
                  </label>
                  <label class="field" data-field="type">
                    <span>Type</span>
                    <select name="type" data-testid="connection-type">
                      <option value="mail">mail</option>
                      <option value="database">database</option>
                      <option value="github">github</option>
                      <option value="http">http</option>
                    </select>
                  </label>
                </div>
                <label class="field" data-field="workflows">
                  <span>Workflows that may use it</span>
                  <textarea name="workflows" data-testid="connection-workflows" rows="2" spellcheck="false" placeholder="*"></textarea>
                  <span class="hint">Workflow ids, one a line or separated by commas; <code>*</code> for every workflow. A node of any other workflow naming it fails validation.</span>
                </label>
                <div data-testid="connection-settings"></div>
                <p class="form-error" role="alert" data-testid="connection-error" hidden></p>
                <div class="buttons">
                  <button type="button" value="cancel" data-testid="connection-cancel">Cancel</button>
                  <button type="submit" class="primary" value="save" data-testid="connection-save">Save connection</button>
                </div>
              </form>
            </dialog>

            <dialog data-testid="agent-dialog" aria-labelledby="agent-dialog-title">
              <form method="dialog" novalidate>
                <h2 id="agent-dialog-title">New agent</h2>
                <label class="field" data-field="id">
                  <span>Id</span>
                  <input name="id" data-testid="agent-id" autocomplete="off" spellcheck="false" placeholder="summarizer">
                  <span class="hint">Lower-case letters, digits and dashes; agent nodes refer to it. It cannot change later.</span>
                </label>
                <label class="field" data-field="name">
                  <span>Name</span>
                  <input name="name" data-testid="agent-name" autocomplete="off">
                </label>
                <label class="field" data-field="instructions">
                  <span>Instructions</span>
                  <textarea name="instructions" data-testid="agent-instructions" rows="6"></textarea>
                </label>
                <div class="field-row">
                  <label class="field" data-field="model">
                    <span>Model profile</span>
                    <select name="model" data-testid="agent-model"></select>
                  </label>
                  <label class="field" data-field="temperature">
                    <span>Temperature</span>
                    <input name="temperature" type="number" step="0.1" data-testid="agent-temperature" placeholder="model's own">
                  </label>
                  <label class="field" data-field="maxOutputTokens">
                    <span>Max output tokens</span>
                    <input name="maxOutputTokens" type="number" step="1" data-testid="agent-max-tokens" placeholder="model's own">
                  </label>
                </div>
                <fieldset class="field" data-field="tools">
                  <legend>Tools it may call</legend>
                  <div class="tool-list" data-testid="agent-tools"></div>
                </fieldset>
                <fieldset class="field" data-field="confirm">
                  <legend>Confirm before calling</legend>
                  <div class="tool-list" data-testid="agent-confirm"></div>
                </fieldset>
                <fieldset class="field" data-field="connections">
                  <legend>Connections its tools may use</legend>
                  <div class="tool-list" data-testid="agent-connections"></div>
                </fieldset>
                <fieldset class="field" data-field="knowledge">
                  <legend>Knowledge it may search</legend>
                  <div class="tool-list" data-testid="agent-knowledge"></div>
                </fieldset>
                <p class="form-error" role="alert" data-testid="agent-error" hidden></p>
                <div class="buttons">
                  <button type="button" value="cancel" data-testid="agent-cancel">Cancel</button>
                  <button type="submit" class="primary" value="save" data-testid="agent-save">Save agent</button>
                </div>
              </form>
            </dialog>

            <dialog data-testid="play-dialog" aria-labelledby="play-dialog-title">
              <form method="dialog" novalidate>
                <h2 id="play-dialog-title">Play</h2>
                <label class="field" data-field="trigger">
                  <span>Trigger</span>
                  <select name="trigger" data-testid="play-trigger"></select>
                </label>
                <label class="field" data-field="payload">
                  <span>Input payload (JSON object)</span>
                  <textarea name="payload" data-testid="play-payload" rows="8" spellcheck="false"></textarea>
                  <span class="hint">It becomes <code>trigger</code> in the run. A chat command's payload looks like <code>{"args": {"key": "value"}}</code>.</span>
                </label>
                <p class="form-error" role="alert" data-testid="play-error" hidden></p>
                <div class="buttons">
                  <button type="button" value="cancel" data-testid="play-cancel">Cancel</button>
                  <button type="submit" class="primary" value="start" data-testid="play-start">Start run</button>
                </div>
              </form>
            </dialog>

            <dialog data-testid="duplicate-dialog" aria-labelledby="duplicate-dialog-title">
              <form method="dialog" novalidate>
                <h2 id="duplicate-dialog-title">Duplicate workflow</h2>
                <label class="field" data-field="id">
                  <span>New id</span>
                  <input name="id" data-testid="duplicate-id" autocomplete="off" spellcheck="false">
                </label>
                <label class="field" data-field="name">
                  <span>New name</span>
                  <input name="name" data-testid="duplicate-name" autocomplete="off">
                </label>
                <p class="form-error" role="alert" data-testid="duplicate-error" hidden></p>
                <div class="buttons">
                  <button type="button" value="cancel" data-testid="duplicate-cancel">Cancel</button>
                  <button type="submit" class="primary" value="duplicate" data-testid="duplicate-save">Duplicate</button>
                </div>
              </form>
            </dialog>

            <dialog data-testid="import-dialog" aria-labelledby="import-dialog-title">
              <form method="dialog" novalidate>
                <h2 id="import-dialog-title">Import a workflow</h2>
                <label class="field">
                  <span>JSON file</span>
                  <input type="file" name="file" accept=".json,application/json" data-testid="import-file">
                </label>
                <label class="field">
                  <span>…or paste the document</span>
                  <textarea name="text" data-testid="import-text" rows="10" spellcheck="false" placeholder='{"id": "my-workflow", "nodes": [...], "edges": [...]}'></textarea>
                </label>
                <div class="import-conflict" data-testid="import-conflict" hidden>
                  <p>A workflow <strong data-testid="import-conflict-id"></strong> already exists. Replace it with this document (its runs stay, pinned to their version), or import this one under another id:</p>
                  <label class="field">
                    <span>New id</span>
                    <input name="newId" data-testid="import-new-id" autocomplete="off" spellcheck="false">
                  </label>
                </div>
                <div class="form-error" role="alert" data-testid="import-error" hidden></div>
                <div class="buttons">
                  <button type="button" value="cancel" data-testid="import-cancel">Cancel</button>
                  <button type="button" class="danger" data-testid="import-replace" hidden>Replace it</button>
                  <button type="submit" class="primary" value="import" data-testid="import-submit">Import</button>
                </div>
              </form>
            </dialog>

            <dialog data-testid="confirm-dialog" aria-labelledby="confirm-dialog-title">
              <form method="dialog" novalidate>
                <h2 id="confirm-dialog-title">Delete?</h2>
                <p data-testid="confirm-text"></p>
                <div class="form-error" role="alert" data-testid="confirm-error" hidden></div>
                <div class="buttons">
                  <button type="button" value="cancel" data-testid="confirm-cancel">Cancel</button>
                  <button type="submit" class="primary danger-fill" value="confirm" data-testid="confirm-ok">Delete</button>
                </div>
              </form>
            </dialog>
            """,
            Scripts: $$$"""
              <script type="module" src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/dashboard/dashboard.js")}}}"></script>
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/lib/chartjs/chart.umd.min.js")}}}"></script>
              <script type="module" src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/dashboard/widgets.js")}}}"></script>
            """);
    }
}
