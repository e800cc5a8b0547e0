using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using CsCheck;

namespace ChatFlows.Core.Tests.Documents;

/// <summary>
/// <see cref="WorkflowDiff.Between"/> (README §Workflow history): examples of each kind of change, and properties over
/// generated pairs of documents — a document against itself has no changes, and the reported changes applied to the
/// older version's nodes, edges, fields and layout give the newer version's.
/// </summary>
public sealed class WorkflowDiffTests
{
    private const string Before = """
        {
          "id": "deploy", "name": "Deploy", "version": 1,
          "nodes": [
            {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "check", "type": "tool", "config": {"tool": "http", "url": "https://a.example/health", "headers": {"Accept": "text/plain"}}},
            {"id": "old", "type": "output", "config": {"kind": "end", "value": "x"}}
          ],
          "edges": [{"from": "start", "to": "check"}, {"from": "check", "to": "old"}],
          "layout": {"start": {"x": 0, "y": 0}, "check": {"x": 200, "y": 0}, "old": {"x": 400, "y": 0}}
        }
        """;

    private const string After = """
        {
          "id": "deploy", "name": "Deploy to production", "version": 2,
          "nodes": [
            {"id": "check", "type": "tool", "config": {"tool": "http", "url": "https://b.example/health", "headers": {"Accept": "text/plain", "X-Team": "ops"}}, "timeout": "PT5S"},
            {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "tell", "type": "output", "config": {"kind": "message", "channel": "#ops", "text": "up"}},
            {"id": "end", "type": "output", "config": {"kind": "end"}}
          ],
          "edges": [{"from": "start", "to": "check"}, {"from": "check", "to": "tell"}, {"from": "tell", "to": "end"}],
          "layout": {"start": {"x": 0, "y": 0}, "check": {"x": 250, "y": 0}, "tell": {"x": 400, "y": 0}, "end": {"x": 600, "y": 0}}
        }
        """;

    [Fact]
    public void Between_EditedWorkflow_ReportsNodesEdgesFieldsAndLayout()
    {
        var diff = WorkflowDiff.Between(WorkflowJson.Parse(Before), WorkflowJson.Parse(After));

        Assert.Equal(["tell", "end"], diff.NodesAdded.Select(n => n.Id));
        Assert.Equal(["old"], diff.NodesRemoved.Select(n => n.Id));
        var check = Assert.Single(diff.NodesChanged);
        Assert.Equal("check", check.Id);
        Assert.Equal(
            ["config/url Changed https://a.example/health → https://b.example/health", "config/headers/X-Team Added  → ops", "timeout Added  → PT5S"],
            check.Fields.Select(f => $"{f.Path} {f.Kind} {f.Old} → {f.New}"));
        Assert.Equal([new WorkflowEdge("check", "tell"), new WorkflowEdge("tell", "end")], diff.EdgesAdded);
        Assert.Equal([new WorkflowEdge("check", "old")], diff.EdgesRemoved);
        var name = Assert.Single(diff.Document);
        Assert.Equal(("name", "Deploy", "Deploy to production"), (name.Path, name.Old!.GetValue<string>(), name.New!.GetValue<string>()));
        Assert.Equal(["check Changed", "old Removed", "tell Added", "end Added"], diff.Layout.Select(c => $"{c.Path} {c.Kind}"));
        Assert.Equal("+2 nodes, −1 node, 1 changed, +2 edges, −1 edge, name changed, 4 nodes moved", diff.Summary);
    }

    [Fact]
    public void Between_OnlyOrderDiffers_IsEmpty()
    {
        var a = WorkflowJson.Parse(After);
        var b = a with { Nodes = a.Nodes.Reverse().ToArray(), Edges = a.Edges.Reverse().ToArray(), Version = 9 };

        var diff = WorkflowDiff.Between(a, b);

        Assert.True(diff.IsEmpty);
        Assert.Equal("no changes", diff.Summary);
    }

    [Fact]
    public void Between_ConfigKeyWithSlashAndEmptyObject_AreTheirOwnFields()
    {
        var a = Parse("""{"id": "w", "nodes": [{"id": "n", "type": "tool", "config": {"tool": "http", "headers": {"a/b": "1"}, "body": {"x": 1}}}]}""");
        var b = Parse("""{"id": "w", "nodes": [{"id": "n", "type": "tool", "config": {"tool": "http", "headers": {"a/b": "2"}, "body": {}}}]}""");

        var fields = Assert.Single(WorkflowDiff.Between(a, b).NodesChanged).Fields;

        Assert.Equal(["config/headers/a~1b Changed", "config/body/x Removed", "config/body Added"], fields.Select(f => $"{f.Path} {f.Kind}"));
    }

    [Fact]
    public void Between_DocumentWithItself_IsEmpty() =>
        Documents.Sample(a => Assert.True(WorkflowDiff.Between(a, a).IsEmpty, WorkflowJson.Serialize(a)));

    [Fact]
    public void Between_GeneratedPairs_ChangesAppliedToTheOlderGiveTheNewer() =>
        Gen.Select(Documents, Documents).Sample((a, b) =>
        {
            var diff = WorkflowDiff.Between(a, b);
            var applied = Apply(a, diff);
            var expected = Canonical(b);

            Assert.True(Same(expected, applied), $"{WorkflowJson.Serialize(a)}\n{WorkflowJson.Serialize(b)}");
            Assert.Equal(Same(expected, Canonical(a)), diff.IsEmpty);
        });

    // Small pools of ids, keys and values, so that two generated documents share nodes and differ in a few places.
    private static readonly string[] Ids = ["a", "b", "c", "d", "e"];
    private static readonly string[] Keys = ["url", "text", "h/x", "n~", "deep"];

    private static readonly Gen<JsonNode?> Leaf = Gen.OneOf<JsonNode?>(
        Gen.Int[0, 2].Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.OneOf("x", "y").Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Const((JsonNode?)null),
        Gen.Int[0, 2].Select(i => (JsonNode?)new JsonArray(Enumerable.Range(0, i).Select(j => (JsonNode?)JsonValue.Create(j)).ToArray())));

    private static readonly Gen<JsonNode?> Value = Gen.Frequency((3, Leaf), (1, Obj(Gen.Frequency((3, Leaf), (1, Obj(Leaf))))));

    private static Gen<JsonNode?> Obj(Gen<JsonNode?> values) =>
        Gen.Select(Gen.Int[0, (1 << Keys.Length) - 1], values.Array[Keys.Length], (mask, items) =>
        {
            var obj = new JsonObject();
            for (var i = 0; i < Keys.Length; i++) if ((mask & (1 << i)) != 0) obj[Keys[i]] = items[i]?.DeepClone();
            return (JsonNode?)obj;
        });

    private static readonly Gen<JsonObject> Nodes = Gen.Select(
        Gen.OneOf("tool", "output"), Gen.OneOf<string?>(null, "Check", "Tell"), Obj(Value), Gen.OneOf<string?>(null, "PT5S"),
        (type, name, config, timeout) =>
        {
            var node = new JsonObject { ["type"] = type, ["config"] = config };
            if (name is not null) node["name"] = name;
            if (timeout is not null) node["timeout"] = timeout;
            return node;
        });

    private static readonly Gen<WorkflowDocument> Documents = Gen.Select(
        Gen.Int[0, (1 << Ids.Length) - 1], Nodes.Array[Ids.Length],
        Gen.Select(Gen.Int[0, Ids.Length - 1], Gen.Int[0, Ids.Length - 1], Gen.OneOf<string?>(null, "true")).Array[0, 6],
        Gen.OneOf<string?>(null, "One", "Two"), Gen.Int[0, (1 << Ids.Length) - 1], Gen.Int[0, 3],
        (mask, nodes, edges, name, placed, x) =>
        {
            var doc = new JsonObject { ["id"] = "w" };
            if (name is not null) doc["name"] = name;
            var chosen = Ids.Where((_, i) => (mask & (1 << i)) != 0).ToArray();
            doc["nodes"] = new JsonArray(chosen.Select((id, i) =>
            {
                var node = nodes[i].DeepClone().AsObject();
                node["id"] = id;
                return (JsonNode?)node;
            }).ToArray());
            doc["edges"] = new JsonArray(edges.Select(e =>
            {
                var edge = new JsonObject { ["from"] = Ids[e.Item1], ["to"] = Ids[e.Item2] };
                if (e.Item3 is not null) edge["port"] = e.Item3;
                return (JsonNode?)edge;
            }).ToArray());
            var layout = new JsonObject();
            for (var i = 0; i < Ids.Length; i++) if ((placed & (1 << i)) != 0) layout[Ids[i]] = new JsonObject { ["x"] = x * i, ["y"] = 0 };
            if (layout.Count > 0) doc["layout"] = layout;
            return WorkflowJson.Read(doc);
        });

    private sealed record Shape(Dictionary<string, JsonObject> Nodes, List<string> Edges, JsonObject Fields, JsonObject Layout);

    private static WorkflowDocument Parse(string json) => WorkflowJson.Parse(json);

    private static Shape Canonical(WorkflowDocument document)
    {
        var json = JsonNode.Parse(WorkflowJson.Serialize(document))!.AsObject();
        var nodes = json["nodes"]!.AsArray().Select(n => n!.AsObject()).ToDictionary(n => n["id"]!.GetValue<string>(), n => (JsonObject)n.DeepClone());
        var edges = document.Edges.Select(e => $"{e.From}|{e.Port}|{e.To}").ToList();
        var fields = new JsonObject();
        foreach (var (name, value) in json) if (name is not ("id" or "version" or "nodes" or "edges" or "layout")) fields[name] = value?.DeepClone();
        return new Shape(nodes, edges, fields, (JsonObject?)json["layout"]?.DeepClone() ?? new JsonObject());
    }

    // Property order is no difference (JSON objects are unordered), nor is the order of nodes and edges.
    private static bool Same(Shape x, Shape y) =>
        x.Nodes.Count == y.Nodes.Count && x.Nodes.All(n => y.Nodes.TryGetValue(n.Key, out var other) && JsonNode.DeepEquals(n.Value, other))
        && x.Edges.Order(StringComparer.Ordinal).SequenceEqual(y.Edges.Order(StringComparer.Ordinal))
        && JsonNode.DeepEquals(x.Fields, y.Fields) && JsonNode.DeepEquals(x.Layout, y.Layout);

    // The older version's shape with every reported change made to it, as a reader of the diff would.
    private static Shape Apply(WorkflowDocument older, WorkflowDiff diff)
    {
        var shape = Canonical(older);
        foreach (var node in diff.NodesRemoved) Assert.True(shape.Nodes.Remove(node.Id));
        foreach (var change in diff.NodesChanged) ApplyFields(shape.Nodes[change.Id], change.Fields);
        foreach (var (id, node) in Canonical(older with { Nodes = diff.NodesAdded, Edges = [] }).Nodes) Assert.True(shape.Nodes.TryAdd(id, node));
        foreach (var edge in diff.EdgesRemoved) Assert.True(shape.Edges.Remove($"{edge.From}|{edge.Port}|{edge.To}"));
        shape.Edges.AddRange(diff.EdgesAdded.Select(e => $"{e.From}|{e.Port}|{e.To}"));
        ApplyFields(shape.Fields, diff.Document);
        ApplyFields(shape.Layout, diff.Layout);
        return shape;
    }

    // Removals first (an object left empty by them goes too), then values set, creating objects on the way.
    private static void ApplyFields(JsonObject target, IReadOnlyList<FieldChange> changes)
    {
        foreach (var change in changes.Where(c => c.Kind == FieldChangeKind.Removed))
        {
            var path = Split(change.Path);
            var parents = new List<JsonObject> { target };
            for (var i = 0; i < path.Length - 1; i++) parents.Add(parents[^1][path[i]]!.AsObject());
            Assert.True(parents[^1].Remove(path[^1]), change.Path);
            for (var i = parents.Count - 1; i > 0 && parents[i].Count == 0; i--) parents[i - 1].Remove(path[i - 1]);
        }
        foreach (var change in changes.Where(c => c.Kind != FieldChangeKind.Removed))
        {
            var path = Split(change.Path);
            var obj = target;
            for (var i = 0; i < path.Length - 1; i++)
            {
                if (obj[path[i]] is not JsonObject inner) obj[path[i]] = inner = new JsonObject();
                obj = inner;
            }
            obj[path[^1]] = change.New?.DeepClone();
        }
    }

    private static string[] Split(string path) =>
        path.Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
}
