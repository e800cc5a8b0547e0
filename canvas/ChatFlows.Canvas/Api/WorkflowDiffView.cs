using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// The answer of <c>GET /api/workflows/{id}/versions/{v}/diff?to={w}</c> (README §Workflow history): what changed
/// from version <see cref="From"/> to version <see cref="To"/>. Nodes are written as in the workflow document.
/// </summary>
public sealed record WorkflowDiffView(
    string WorkflowId,
    int From,
    int To,
    string Summary,
    IReadOnlyList<WorkflowDiffView.Field> Document,
    WorkflowDiffView.NodeChanges Nodes,
    WorkflowDiffView.EdgeChanges Edges,
    IReadOnlyList<WorkflowDiffView.Field> Layout)
{
    /// <summary>The view of <paramref name="diff"/> between versions <paramref name="from"/> and <paramref name="to"/>.</summary>
    public static WorkflowDiffView Of(string workflowId, int from, int to, WorkflowDiff diff) => new(
        workflowId,
        from,
        to,
        diff.Summary,
        diff.Document.Select(Field.Of).ToArray(),
        new NodeChanges(
            Json(diff.NodesAdded),
            Json(diff.NodesRemoved),
            diff.NodesChanged.Select(c => new ChangedNode(c.Id, c.New.DisplayName, c.New.TypeName, Json([c.Old])[0], Json([c.New])[0], c.Fields.Select(Field.Of).ToArray())).ToArray()),
        new EdgeChanges(diff.EdgesAdded, diff.EdgesRemoved),
        diff.Layout.Select(Field.Of).ToArray());

    // The nodes as the document writes them (canonical JSON), not as a reflection of WorkflowNode.
    private static JsonObject[] Json(IReadOnlyList<WorkflowNode> nodes) =>
        JsonNode.Parse(WorkflowJson.Serialize(new WorkflowDocument { Id = "nodes", Nodes = nodes }))!["nodes"]!.AsArray().Select(n => n!.AsObject().DeepClone().AsObject()).ToArray();

    /// <summary>One value that differs: <c>change</c> is <c>added</c>, <c>removed</c> or <c>changed</c>.</summary>
    public sealed record Field(string Path, string Change, JsonNode? Old, JsonNode? New)
    {
        /// <summary>The view of a core change.</summary>
        public static Field Of(FieldChange change) => new(change.Path, change.Kind.ToString().ToLowerInvariant(), change.Old, change.New);
    }

    /// <summary>Nodes added, removed and changed.</summary>
    public sealed record NodeChanges(IReadOnlyList<JsonObject> Added, IReadOnlyList<JsonObject> Removed, IReadOnlyList<ChangedNode> Changed);

    /// <summary>A node both versions have, with both versions of it and each field that differs.</summary>
    public sealed record ChangedNode(string Id, string Name, string Type, JsonObject Old, JsonObject New, IReadOnlyList<Field> Fields);

    /// <summary>Edges added and removed.</summary>
    public sealed record EdgeChanges(IReadOnlyList<WorkflowEdge> Added, IReadOnlyList<WorkflowEdge> Removed);
}
