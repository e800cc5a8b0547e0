using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Tests.Running;

/// <summary>
/// A <c>tool/probe</c> node kind whose behaviour each test supplies per node id, and which counts its calls.
/// Nodes without a behaviour succeed with their id as output.
/// </summary>
internal sealed class ProbeNodes
{
    private readonly Dictionary<string, Func<NodeContext, CancellationToken, ValueTask<NodeResult>>> _behaviours = [];
    private readonly Dictionary<string, int> _calls = [];
    private readonly Lock _gate = new();

    public ProbeNodes()
    {
        Registry = NodeRegistry.CreateDefault(new BuiltInNodeOptions { InlineDelayLimit = TimeSpan.FromSeconds(5) });
        Registry.Add(new NodeKind(NodeTypes.Tool, "probe", setup => new Handler(this, setup.Node.Id)));
    }

    public NodeRegistry Registry { get; }

    public ProbeNodes On(string nodeId, Func<NodeContext, CancellationToken, ValueTask<NodeResult>> behaviour)
    {
        _behaviours[nodeId] = behaviour;
        return this;
    }

    public ProbeNodes On(string nodeId, Func<NodeContext, NodeResult> behaviour) =>
        On(nodeId, (context, _) => ValueTask.FromResult(behaviour(context)));

    public int Calls(string nodeId)
    {
        lock (_gate) return _calls.GetValueOrDefault(nodeId);
    }

    private sealed class Handler(ProbeNodes owner, string nodeId) : INodeHandler
    {
        public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
        {
            lock (owner._gate) owner._calls[nodeId] = owner._calls.GetValueOrDefault(nodeId) + 1;
            return owner._behaviours.TryGetValue(nodeId, out var behaviour)
                ? behaviour(context, ct)
                : ValueTask.FromResult(NodeResult.Success(System.Text.Json.JsonSerializer.SerializeToElement(nodeId)));
        }
    }
}
