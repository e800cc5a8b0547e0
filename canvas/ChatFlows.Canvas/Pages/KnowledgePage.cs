using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Pages;

/// <summary>The knowledge bases (<c>/knowledge</c>) and their documents.</summary>
internal static class KnowledgePage
{
    public static PageView View(HttpContext http, StaticAssetVersions assets)
    {
        return new PageView(
            Title: "Knowledge",
            Section: "knowledge",
            Head: $$$"""
              <link rel="stylesheet" href="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/knowledge/knowledge.css")}}}">
            """,
            Body: $$$"""
            <h1>Knowledge</h1>

            <section class="panel" aria-labelledby="bases-title" data-testid="knowledge-panel">
              <div class="panel-head">
                <h2 id="bases-title">Knowledge bases</h2>
              </div>
              <table class="list" data-testid="knowledge-list">
                <thead>
                  <tr><th>Knowledge base</th><th>Model</th><th>Documents</th><th>Chunks</th><th><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody></tbody>
              </table>
              <p class="empty" data-testid="knowledge-empty" hidden>No knowledge bases yet. Create one, add documents, and agents with it can search them and cite their sources.</p>
              <form class="inline-form" data-testid="knowledge-create" novalidate>
                <label class="field" data-field="id">
                  <span>Id</span>
                  <input name="id" data-testid="knowledge-id" autocomplete="off" spellcheck="false" placeholder="runbook">
                </label>
                <label class="field" data-field="name">
                  <span>Name</span>
                  <input name="name" data-testid="knowledge-name" autocomplete="off" placeholder="On-call runbook">
                </label>
                <label class="field" data-field="model">
                  <span>Model profile</span>
                  <select name="model" data-testid="knowledge-model"><option value="">Default profile</option></select>
                </label>
                <button type="submit" class="primary" data-testid="knowledge-create-submit">Create</button>
                <p class="form-error" role="alert" data-testid="knowledge-create-error" hidden></p>
              </form>
            </section>

            <section class="panel" aria-labelledby="base-title" data-testid="base-panel" hidden>
              <div class="panel-head">
                <h2 id="base-title" data-testid="base-title"></h2>
              </div>
              <form class="inline-form" data-testid="document-upload" novalidate>
                <label class="field" data-field="file">
                  <span>Upload files</span>
                  <input type="file" name="file" multiple accept=".md,.markdown,.txt,.html,.htm,.pdf" data-testid="document-file">
                  <span class="hint">Markdown, text, HTML or PDF. Adding a file again replaces it; the same content is left as it is.</span>
                </label>
                <button type="submit" data-testid="document-upload-submit">Upload</button>
              </form>
              <form class="inline-form" data-testid="document-url" novalidate>
                <label class="field wide" data-field="url">
                  <span>Or add a page by URL</span>
                  <input name="url" type="url" data-testid="document-url-input" autocomplete="off" placeholder="https://wiki.example.com/runbook.html">
                </label>
                <button type="submit" data-testid="document-url-submit">Add URL</button>
                <p class="form-error" role="alert" data-testid="document-error" hidden></p>
              </form>
              <table class="list" data-testid="document-list">
                <thead>
                  <tr><th>Document</th><th>Status</th><th>Chunks</th><th>Updated</th><th><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody></tbody>
              </table>
              <p class="empty" data-testid="document-empty" hidden>No documents yet.</p>

              <h3>Try a search</h3>
              <form class="inline-form" role="search" data-testid="search-form" novalidate>
                <label class="field wide" data-field="query">
                  <span>Query</span>
                  <input name="query" data-testid="search-query" autocomplete="off" placeholder="the database disk is full">
                </label>
                <button type="submit" data-testid="search-submit">Search</button>
                <p class="form-error" role="alert" data-testid="search-error" hidden></p>
              </form>
              <ol class="search-results" data-testid="search-results"></ol>
            </section>
            """,
            Scripts: $$$"""
              <script src="{{{assets.Versioned(http, "/_content/ChatFlows.Canvas/knowledge/knowledge.js")}}}"></script>
            """);
    }
}
