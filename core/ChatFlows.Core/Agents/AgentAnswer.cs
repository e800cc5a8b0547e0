using ChatFlows.Core.Running;

namespace ChatFlows.Core.Agents;

/// <summary>What one agent run produced: the model's answer, the tools it called and the tokens it spent.</summary>
/// <param name="Text">The model's final answer.</param>
/// <param name="Steps">Every tool call, in order; empty when the model called none.</param>
/// <param name="Usage">Tokens over every model call of the run, priced when the profile gives prices; null when the server reported none.</param>
public sealed record AgentAnswer(string Text, IReadOnlyList<NodeStep> Steps, TokenUsage? Usage);
