using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Workspaces;

/// <summary>
/// Checks a node against its run's workspace policy each time it runs (README §Workspaces and roles), so that a policy
/// tightened after a workflow was saved stops the old workflow too: a node kind or connection the workspace no longer
/// allows fails the node with the rule. Hosts of templated URLs are checked by the HTTP node once they are known.
/// </summary>
internal sealed class WorkspaceGuardedHandler(INodeHandler inner, NodeKind kind, string? connection, IWorkspaceStore workspaces) : INodeHandler
{
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        if (await workspaces.GetAsync(context.Workspace, ct) is { Policy: var policy } && policy != WorkspacePolicy.Open)
        {
            var refusal = WorkspaceRules.KindRefusal(context.Workspace, policy, kind.Name)
                ?? (connection is null ? null : WorkspaceRules.ConnectionRefusal(context.Workspace, policy, connection));
            if (refusal is not null) throw new NodeException(char.ToUpperInvariant(refusal[0]) + refusal[1..]);
        }
        return await inner.RunAsync(context, ct);
    }

    /// <summary>The inner handler, for callers that look at what a node is (a manual trigger's input schema).</summary>
    public INodeHandler Inner => inner;
}
