namespace ChatFlows.Canvas.Api;

/// <summary>The answer to <c>GET /api/models</c>: <c>{ "items": [...] }</c>, by name.</summary>
internal sealed record ModelList(IReadOnlyList<ModelSummary> Items);
