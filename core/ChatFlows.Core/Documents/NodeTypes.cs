namespace ChatFlows.Core.Documents;

/// <summary>The node types of a workflow document and the names of their well-known ports.</summary>
public static class NodeTypes
{
    public const string Trigger = "trigger";
    public const string Agent = "agent";
    public const string Tool = "tool";
    public const string Condition = "condition";
    public const string Approval = "approval";
    public const string Output = "output";

    /// <summary>Every node type, in palette order.</summary>
    public static IReadOnlyList<string> All { get; } = [Trigger, Agent, Tool, Condition, Approval, Output];

    /// <summary>The port a node with <c>onError: route</c> fires when it fails.</summary>
    public const string ErrorPort = "error";
}

/// <summary>Values of a node's <c>onError</c>.</summary>
public static class OnErrorModes
{
    public const string Fail = "fail";
    public const string Continue = "continue";
    public const string Route = "route";

    public static IReadOnlyList<string> All { get; } = [Fail, Continue, Route];
}
