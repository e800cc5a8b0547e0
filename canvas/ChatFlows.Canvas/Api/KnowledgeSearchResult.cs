using ChatFlows.Core.Knowledge;

namespace ChatFlows.Canvas.Api;

/// <summary>The answer to <c>POST /api/knowledge/{id}/search</c>: the closest passages, best first.</summary>
internal sealed record KnowledgeSearchResult(string Query, IReadOnlyList<KnowledgeHit> Results);
