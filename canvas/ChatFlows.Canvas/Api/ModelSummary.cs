namespace ChatFlows.Canvas.Api;

/// <summary>A model profile as the agent form offers it; <c>isDefault</c> marks the one agents without a model use.</summary>
internal sealed record ModelSummary(string Name, string? Provider, string? Model, bool IsDefault);
