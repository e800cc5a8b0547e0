namespace ChatFlows.Canvas.Api;

/// <summary>A tool an agent may call: the name its <c>tools</c> list uses and what it does.</summary>
internal sealed record AgentToolSummary(string Name, string Description);
