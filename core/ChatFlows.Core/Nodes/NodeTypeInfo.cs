using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// How the editor shows a node type: its label, its colour on the canvas and in the palette, and the config field that
/// names its kind (<c>kind</c> for triggers and outputs, <c>tool</c> for tools, as <see cref="WorkflowNode.Kind"/> reads it).
/// </summary>
/// <param name="Type">The node type, e.g. <c>tool</c>.</param>
/// <param name="Label">What the palette's group and a node's badge say.</param>
/// <param name="Color">A CSS colour.</param>
/// <param name="KindField">The config field holding the kind; null for types that are one kind.</param>
public sealed record NodeTypeInfo(string Type, string Label, string Color, string? KindField)
{
    /// <summary>Every type, in palette order (<see cref="NodeTypes.All"/>).</summary>
    public static IReadOnlyList<NodeTypeInfo> All { get; } =
    [
        new(NodeTypes.Trigger, "Trigger", "#7c3aed", "kind"),
        new(NodeTypes.Agent, "Agent", "#0891b2", null),
        new(NodeTypes.Tool, "Tool", "#2563eb", "tool"),
        new(NodeTypes.Condition, "Condition", "#d97706", null),
        new(NodeTypes.Approval, "Approval", "#db2777", null),
        new(NodeTypes.Output, "Output", "#15803d", "kind"),
    ];

    /// <summary>The info of a type, or null for an unknown type.</summary>
    public static NodeTypeInfo? Of(string type) => All.FirstOrDefault(t => t.Type == type);
}
