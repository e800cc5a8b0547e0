namespace ChatFlows.Canvas.Api;

/// <summary>The answer to <c>GET /api/knowledge</c>.</summary>
internal sealed record KnowledgeList(IReadOnlyList<KnowledgeSummary> Items);
