using ChatFlows.Core.Nodes;

namespace ChatFlows.Canvas.Api;

/// <summary>The answer to <c>GET /api/node-kinds</c>.</summary>
/// <param name="Types">The node types, in palette order: label, colour and the config field naming the kind.</param>
/// <param name="ErrorPort">
/// The port every kind gains when a node sets <c>onError: route</c> (docs/semantics.md): it is not listed in a kind's
/// <c>ports</c>, because it depends on the node, not the kind.
/// </param>
/// <param name="Items">Every kind, grouped by type in palette order.</param>
internal sealed record NodeKindList(IReadOnlyList<NodeTypeInfo> Types, string ErrorPort, IReadOnlyList<NodeKindSummary> Items);
