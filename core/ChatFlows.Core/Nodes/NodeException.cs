namespace ChatFlows.Core.Nodes;

/// <summary>A node failure whose message is meant for the person reading the run.</summary>
public sealed class NodeException(string message, Exception? inner = null) : Exception(message, inner);
