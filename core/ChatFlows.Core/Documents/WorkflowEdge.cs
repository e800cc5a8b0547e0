namespace ChatFlows.Core.Documents;

/// <summary>A connection from one node's port to another node.</summary>
/// <param name="From">The source node id.</param>
/// <param name="To">The target node id.</param>
/// <param name="Port">The source port (<c>true</c>, <c>approved</c>, <c>error</c>, …); null for the default port.</param>
public sealed record WorkflowEdge(string From, string To, string? Port = null);
