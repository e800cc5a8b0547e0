using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;

namespace ChatFlows.Canvas.Templates;

/// <summary>
/// A workflow a team starts from (README §Templates): what it does, the settings it needs, its document, and the agents
/// its agent nodes use, created alongside when it is saved.
/// </summary>
public sealed record WorkflowTemplate(
    string Id, string Name, string Description, string Category, IReadOnlyList<TemplateSetting> Settings, WorkflowDocument Workflow, JsonArray Agents)
{
    /// <summary>The node kinds it uses, in the order they first appear: <c>trigger/webhook</c>, <c>tool/http</c>, <c>condition</c>…</summary>
    public IReadOnlyList<string> Kinds => Workflow.Nodes.Select(KindOf).Distinct(StringComparer.Ordinal).ToArray();

    private static string KindOf(WorkflowNode node)
    {
        var field = node.Type switch { "trigger" or "output" => "kind", "tool" => "tool", _ => null };
        return field is not null && node.Config[field] is JsonValue value && value.TryGetValue<string>(out var kind) ? $"{node.Type}/{kind}" : node.Type;
    }
}
