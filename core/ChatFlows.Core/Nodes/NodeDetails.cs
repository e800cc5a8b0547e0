using ChatFlows.Core.Running;

namespace ChatFlows.Core.Nodes;

/// <summary>What a node did inside one execution beyond its output: sub-steps (tool calls) and model token usage.</summary>
public sealed record NodeDetails(IReadOnlyList<NodeStep>? Steps, TokenUsage? Usage);
