using ChatFlows.Core.Nodes;

namespace ChatFlows.Bench;

/// <summary>A node that does nothing and finishes synchronously, so a run measures only the engine.</summary>
public sealed class NoopHandler : INodeHandler
{
    public static readonly NoopHandler Instance = new();

    public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct) => ValueTask.FromResult(NodeResult.Success());
}
