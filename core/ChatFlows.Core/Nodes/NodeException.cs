using ChatFlows.Core.Running;

namespace ChatFlows.Core.Nodes;

/// <summary>A node failure whose message is meant for the person reading the run.</summary>
public sealed class NodeException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What the node did before it failed (an agent's tool calls), kept in the run detail.</summary>
    public IReadOnlyList<NodeStep>? Steps { get; init; }

    /// <summary>Model tokens spent before it failed.</summary>
    public TokenUsage? Usage { get; init; }
}
