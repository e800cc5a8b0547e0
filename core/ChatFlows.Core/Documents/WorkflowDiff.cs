using System.Globalization;
using System.Text.Json.Nodes;

namespace ChatFlows.Core.Documents;

/// <summary>
/// What changed from one version of a workflow to another (README §Workflow history): nodes added, removed and
/// changed (each changed field with its old and new value), edges added and removed, the document's own fields
/// (name, description, history policy, pinned samples, tests) and the canvas layout. Nodes are matched by id, edges by their ends
/// and port; the order of nodes and edges in the document is not a change. Built on the canonical JSON of both
/// documents, so a field the store writes is never missed.
/// </summary>
/// <param name="Document">The document's own fields that differ (<c>name</c>, <c>description</c>, <c>workspace</c>, <c>history</c>, <c>pinned</c>, <c>tests</c>), each as a whole.</param>
/// <param name="NodesAdded">Nodes only the newer version has, in its order.</param>
/// <param name="NodesRemoved">Nodes only the older version has, in its order.</param>
/// <param name="NodesChanged">Nodes both have whose settings differ, in the newer version's order.</param>
/// <param name="EdgesAdded">Edges only the newer version has.</param>
/// <param name="EdgesRemoved">Edges only the older version has.</param>
/// <param name="Layout">Canvas positions that differ, by node id.</param>
public sealed record WorkflowDiff(
    IReadOnlyList<FieldChange> Document,
    IReadOnlyList<WorkflowNode> NodesAdded,
    IReadOnlyList<WorkflowNode> NodesRemoved,
    IReadOnlyList<NodeChange> NodesChanged,
    IReadOnlyList<WorkflowEdge> EdgesAdded,
    IReadOnlyList<WorkflowEdge> EdgesRemoved,
    IReadOnlyList<FieldChange> Layout)
{
    // What identifies a version rather than its content, and what has a list of its own in the diff.
    private static readonly HashSet<string> NotDocumentFields = ["id", "version", "nodes", "edges", "layout"];

    /// <summary>True when the two versions have the same content.</summary>
    public bool IsEmpty =>
        Document.Count == 0 && NodesAdded.Count == 0 && NodesRemoved.Count == 0 && NodesChanged.Count == 0
        && EdgesAdded.Count == 0 && EdgesRemoved.Count == 0 && Layout.Count == 0;

    /// <summary>One line for a version list: <c>+2 nodes, 1 changed, −1 edge, name changed</c>; <c>no changes</c> when empty.</summary>
    public string Summary
    {
        get
        {
            var parts = new List<string>();
            if (NodesAdded.Count > 0) parts.Add($"+{Count(NodesAdded.Count, "node")}");
            if (NodesRemoved.Count > 0) parts.Add($"−{Count(NodesRemoved.Count, "node")}");
            if (NodesChanged.Count > 0) parts.Add($"{NodesChanged.Count.ToString(CultureInfo.InvariantCulture)} changed");
            if (EdgesAdded.Count > 0) parts.Add($"+{Count(EdgesAdded.Count, "edge")}");
            if (EdgesRemoved.Count > 0) parts.Add($"−{Count(EdgesRemoved.Count, "edge")}");
            parts.AddRange(Document.Select(c => $"{c.Path} changed"));
            if (Layout.Count > 0) parts.Add($"{Count(Layout.Count, "node")} moved");
            return parts.Count == 0 ? "no changes" : string.Join(", ", parts);
        }
    }

    /// <summary>What changed from <paramref name="older"/> to <paramref name="newer"/>.</summary>
    public static WorkflowDiff Between(WorkflowDocument older, WorkflowDocument newer)
    {
        var a = Canonical(older);
        var b = Canonical(newer);

        var oldNodes = NodesById(older, a);
        var newNodes = NodesById(newer, b);
        var added = newNodes.Values.Where(n => !oldNodes.ContainsKey(n.Node.Id)).Select(n => n.Node).ToArray();
        var removed = oldNodes.Values.Where(n => !newNodes.ContainsKey(n.Node.Id)).Select(n => n.Node).ToArray();
        var changed = new List<NodeChange>();
        foreach (var (id, now) in newNodes)
        {
            if (!oldNodes.TryGetValue(id, out var before)) continue;
            var fields = Compare(Flatten(before.Json), Flatten(now.Json));
            if (fields.Count > 0) changed.Add(new NodeChange(id, before.Node, now.Node, fields));
        }

        return new WorkflowDiff(
            Compare(TopLevel(a, NotDocumentFields), TopLevel(b, NotDocumentFields)),
            added,
            removed,
            changed,
            Without(newer.Edges, older.Edges),
            Without(older.Edges, newer.Edges),
            Compare(TopLevel(a["layout"] as JsonObject, []), TopLevel(b["layout"] as JsonObject, [])));
    }

    private static string Count(int n, string noun) => $"{n.ToString(CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";

    private static JsonObject Canonical(WorkflowDocument document) => JsonNode.Parse(WorkflowJson.Serialize(document))!.AsObject();

    // A stored document breaking the rules (two nodes with one id) is still shown: the first node of an id counts.
    private static Dictionary<string, (WorkflowNode Node, JsonObject Json)> NodesById(WorkflowDocument document, JsonObject json)
    {
        var nodes = json["nodes"]!.AsArray();
        var byId = new Dictionary<string, (WorkflowNode, JsonObject)>(StringComparer.Ordinal);
        for (var i = 0; i < document.Nodes.Count; i++) byId.TryAdd(document.Nodes[i].Id, (document.Nodes[i], nodes[i]!.AsObject()));
        return byId;
    }

    // Edges as a multiset: each edge of `these` not matched by one of `those`.
    private static WorkflowEdge[] Without(IReadOnlyList<WorkflowEdge> these, IReadOnlyList<WorkflowEdge> those)
    {
        var left = those.GroupBy(e => e).ToDictionary(g => g.Key, g => g.Count());
        var result = new List<WorkflowEdge>();
        foreach (var edge in these)
        {
            if (left.TryGetValue(edge, out var n) && n > 0) left[edge] = n - 1;
            else result.Add(edge);
        }
        return result.ToArray();
    }

    private static Dictionary<string, JsonNode?> TopLevel(JsonObject? json, HashSet<string> except)
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (json is null) return values;
        foreach (var (name, value) in json) if (!except.Contains(name)) values[Escape(name)] = value;
        return values;
    }

    // Every leaf below an object by its path: a value that is not an object, or an empty object (so that `{}` and
    // absent differ). Arrays are leaves: a list is shown old and new as a whole.
    private static Dictionary<string, JsonNode?> Flatten(JsonObject json)
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        Walk(json, "");
        return values;

        void Walk(JsonObject obj, string prefix)
        {
            foreach (var (name, value) in obj)
            {
                var path = prefix + Escape(name);
                if (value is JsonObject { Count: > 0 } inner) Walk(inner, path + "/");
                else values[path] = value;
            }
        }
    }

    private static List<FieldChange> Compare(Dictionary<string, JsonNode?> older, Dictionary<string, JsonNode?> newer)
    {
        var changes = new List<FieldChange>();
        foreach (var (path, value) in older)
        {
            if (!newer.TryGetValue(path, out var now)) changes.Add(new FieldChange(path, FieldChangeKind.Removed, value?.DeepClone(), null));
            else if (!JsonNode.DeepEquals(value, now)) changes.Add(new FieldChange(path, FieldChangeKind.Changed, value?.DeepClone(), now?.DeepClone()));
        }
        foreach (var (path, value) in newer)
        {
            if (!older.ContainsKey(path)) changes.Add(new FieldChange(path, FieldChangeKind.Added, null, value?.DeepClone()));
        }
        return changes;
    }

    private static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
