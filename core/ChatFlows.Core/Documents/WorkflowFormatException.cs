namespace ChatFlows.Core.Documents;

/// <summary>A workflow file that is not JSON or not shaped like a workflow document.</summary>
public sealed class WorkflowFormatException(string message) : Exception(message);
