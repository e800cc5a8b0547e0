namespace ChatFlows.Canvas.Api;

/// <summary>A knowledge base as listed: its settings and how many of its documents are searchable.</summary>
internal sealed record KnowledgeSummary(string Id, string Name, string? Model, int Documents, int Ready, int Chunks, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
