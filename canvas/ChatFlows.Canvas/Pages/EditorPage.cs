using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas.Pages;

/// <summary>The editor (<c>/workflows/{id}</c>; <c>new</c> first shows the <see cref="TemplateGallery"/>).</summary>
internal static class EditorPage
{
    // The editor's modules import each other by plain paths; the import map sends each to its versioned URL, as the
    // entry's own URL is versioned, so a browser never mixes cached modules of an older release with new ones.
    private static readonly string[] ModulePaths =
    [
        .. new[] { "state", "events", "kinds", "document", "graph", "layout", "viewport", "interaction", "palette", "problems", "inspector", "run-view", "persistence", "toolbar", "workflow-tests", "node-test", "setup-needs", "picker", "preview", "map-field", "keyboard" }
            .Select(name => $"/_content/ChatFlows.Canvas/editor/{name}.js"),
        "/_content/ChatFlows.Canvas/templates/setup.js",
    ];

    public static PageView View(HttpContext http, StaticAssetVersions assets)
    {
        // One workflow per view; "new" starts an unsaved one whose id is asked for on its first save.
        var id = http.GetRouteValue("id") as string ?? "new";
        // A new workflow first offers the templates (README §Templates); ?template=<id> or ?blank opens the editor.
        var gallery = id == "new" && !http.Request.Query.ContainsKey("template") && !http.Request.Query.ContainsKey("blank");
        var pages = PageView.Encode(http.Request.PathBase.Value);
        return new PageView(
            Title: id == "new" ? "New workflow" : id,
            Section: "editor",
            BodyClass: gallery ? "gallery-open" : "full-bleed",
            Head: $$$"""
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/editor/editor.css")}}}">
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/templates/gallery.css")}}}">
            """,
            Body: $$$"""
            {{{(gallery ? TemplateGallery.Body(pages) + "\n" : "")}}}<div class="editor" data-testid="editor" data-workflow-id="{{{PageView.Encode(id)}}}">
              <div class="editor-toolbar" role="toolbar" aria-label="Workflow">
                <span class="toolbar-start">
                <label class="workflow-picker">
                  <span class="visually-hidden">Workflow</span>
                  <select data-testid="workflow-select" aria-label="Open workflow"></select>
                </label>
                <button type="button" class="small" data-testid="new-workflow" title="Start a new workflow">New</button>
                <span class="editor-title" data-testid="workflow-title"></span>
                <span class="muted" data-testid="workflow-version"></span>
                <a class="button small" data-testid="history-link" title="Every saved version, what it changed, and restore" hidden>History</a>
                <span class="dirty" data-testid="dirty" hidden>Unsaved changes</span>
                </span>
                <span class="toolbar-end">
                <span class="toolbar-extra" data-testid="toolbar-extra"></span>
                <button type="button" class="small" data-testid="undo" title="Undo (Ctrl+Z)" disabled>Undo</button>
                <button type="button" class="small" data-testid="redo" title="Redo (Ctrl+Shift+Z)" disabled>Redo</button>
                <button type="button" class="small" data-testid="layout" title="Arrange the nodes (Shift+L)">Auto-layout</button>
                <span class="zoom" role="group" aria-label="Zoom">
                  <button type="button" class="small" data-testid="zoom-out" title="Zoom out (-)" aria-label="Zoom out">−</button>
                  <span class="zoom-level muted" data-testid="zoom-level" aria-live="polite">100 %</span>
                  <button type="button" class="small" data-testid="zoom-in" title="Zoom in (+)" aria-label="Zoom in">+</button>
                </span>
                <button type="button" class="small" data-testid="fit" title="Fit to view (0)">Fit</button>
                <button type="button" class="small danger" data-testid="delete" title="Delete the selection (Delete)" disabled>Delete</button>
                <button type="button" class="small" data-testid="play" title="Run the workflow (Ctrl+Enter)">▶ Play</button>
                <button type="button" class="small primary" data-testid="save" title="Save (Ctrl+S)">Save</button>
                </span>
              </div>
              <div class="run-bar" data-testid="run-bar" hidden></div>
              <div class="problems" data-testid="problems" role="alert" hidden></div>
              <div class="editor-body">
                <aside class="palette" data-testid="palette" aria-label="Node palette"></aside>
                <div class="editor-canvas" data-testid="canvas" tabindex="0" aria-label="Workflow canvas: arrow keys pan, + and - zoom, Tab moves between nodes">
                  <div class="paper" data-testid="paper"></div>
                  <div class="canvas-hint muted" data-testid="canvas-hint" hidden>Drag a trigger from the palette to start.</div>
                </div>
                <aside class="inspector" data-testid="inspector" aria-label="Inspector"></aside>
              </div>

              <dialog data-testid="save-dialog">
                <form method="dialog">
                  <h2>Save the new workflow</h2>
                  <label class="field"><span>Id</span><input data-testid="save-id" required pattern="[a-z0-9][a-z0-9_\-]{0,63}" autocomplete="off">
                    <span class="hint">Lower-case letters, digits, '-' and '_'; used by /run &lt;id&gt; and in URLs. It cannot be changed later.</span></label>
                  <label class="field"><span>Name</span><input data-testid="save-name" autocomplete="off"></label>
                  <p class="field-error" data-testid="save-error" hidden></p>
                  <div class="buttons">
                    <button type="button" data-testid="save-cancel">Cancel</button>
                    <button type="submit" class="primary" data-testid="save-confirm">Save</button>
                  </div>
                </form>
              </dialog>

              <dialog data-testid="conflict-dialog">
                <h2>Someone else saved this workflow</h2>
                <p data-testid="conflict-message"></p>
                <p class="muted">Reload to see their version (your unsaved changes are lost), or keep editing and copy what you need first.</p>
                <div class="buttons">
                  <button type="button" data-testid="conflict-keep">Keep editing</button>
                  <button type="button" class="primary" data-testid="conflict-reload">Reload their version</button>
                </div>
              </dialog>

              <dialog data-testid="play-dialog">
                <form method="dialog">
                  <h2>Run this workflow</h2>
                  <label class="field" data-testid="play-trigger-field"><span>Trigger</span><select data-testid="play-trigger"></select></label>
                  <label class="field"><span>Payload (JSON object, becomes <code>trigger</code>)</span>
                    <textarea rows="6" data-testid="play-payload">{}</textarea></label>
                  <p class="field-error" data-testid="play-error" hidden></p>
                  <div class="buttons">
                    <button type="button" data-testid="play-cancel">Cancel</button>
                    <button type="submit" class="primary" data-testid="play-start">Start run</button>
                  </div>
                </form>
              </dialog>
            </div>
            """,
            Scripts: $$$"""
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/lib/joint/joint.min.js")}}}"></script>
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/lib/dagre/dagre.min.js")}}}"></script>
              <script>window.editorStarted = performance.now();</script>
              <script type="importmap">{{{ImportMap(http, assets)}}}</script>
              <script type="module" src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/editor/editor.js")}}}"></script>
            {{{(gallery ? $"""  <script type="module" src="{assets.Versioned(http, "/_content/ChatFlows.Canvas/templates/gallery.js")}"></script>""" : "")}}}
            """);
    }

    // {"imports": {url: versioned url}}, as JSON inside a script element: the encoder escapes '<', so it cannot end it.
    private static string ImportMap(HttpContext http, StaticAssetVersions assets) => JsonSerializer.Serialize(
        new Dictionary<string, Dictionary<string, string>>
        {
            ["imports"] = ModulePaths.ToDictionary(path => http.Request.PathBase.Value + path, path => assets.VersionedUrl(http, path)),
        });
}
