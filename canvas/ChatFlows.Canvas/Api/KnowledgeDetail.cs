using ChatFlows.Core.Knowledge;

namespace ChatFlows.Canvas.Api;

/// <summary>The answer to <c>GET /api/knowledge/{id}</c>: the base and its documents with their status and progress.</summary>
internal sealed record KnowledgeDetail(string Id, string Name, string? Model, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<KnowledgeDocument> Documents);
