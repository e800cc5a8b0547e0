namespace ChatFlows.Core.Nodes;

/// <summary>
/// Executes one node. Handlers work only from their context, their compiled config and the clock; they throw to
/// fail an attempt (the engine applies retry, timeout and onError around them).
/// </summary>
public interface INodeHandler
{
    /// <summary>Runs one attempt of the node.</summary>
    ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct);
}
