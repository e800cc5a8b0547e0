namespace ChatFlows.Canvas.Pages;

/// <summary>The gallery shown on /workflows/new before the editor (README §Templates): a blank workflow or a template to start from.</summary>
internal static class TemplateGallery
{
    public static string Body(string pages) => $$$"""
        <section class="gallery" data-testid="gallery" aria-labelledby="gallery-title">
          <div class="gallery-head">
            <h1 id="gallery-title">New workflow</h1>
            <p class="muted">Start from a blank canvas or from a workflow a team already uses; nothing is created until you save it.</p>
            <div class="gallery-filters" role="search">
              <label class="field"><span>Search</span>
                <input type="search" data-testid="gallery-search" placeholder="webhook, approval, GitHub…" autocomplete="off" spellcheck="false" aria-controls="gallery-list"></label>
              <label class="field"><span>Category</span>
                <select data-testid="gallery-category" aria-controls="gallery-list"><option value="">All categories</option></select></label>
            </div>
          </div>
          <ul class="gallery-list" id="gallery-list" data-testid="gallery-list" aria-live="polite">
            <li><a class="template-card blank" href="{{{pages}}}/workflows/new?blank" data-testid="template-blank">
              <span class="template-name">Blank workflow</span>
              <span class="template-description">An empty canvas: drag a trigger from the palette to start.</span>
            </a></li>
          </ul>
          <p class="muted" data-testid="gallery-empty" hidden>No template matches; clear the search or pick another category.</p>
        </section>
        """;
}
