namespace ChatFlows.Canvas.Api;

/// <summary>The answer to <c>GET /api/templates</c>: <c>{ "items": [...], "categories": [...] }</c>, by name.</summary>
internal sealed record TemplateList(IReadOnlyList<TemplateSummary> Items, IReadOnlyList<string> Categories);
