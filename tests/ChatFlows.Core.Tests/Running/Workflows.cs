using System.Text;
using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Tests.Running;

/// <summary>Builds small workflow documents from a compact description, for engine tests.</summary>
internal static class Workflows
{
    /// <summary>
    /// Nodes as "id" (a probe), "id:condition:expr", "id:delay:PT1S" or any full JSON node object; edges as
    /// "from->to" or "from.port->to". A manual trigger named "start" is added first.
    /// </summary>
    public static WorkflowDocument Build(string[] nodes, string[] edges, Action<Dictionary<string, string>>? extras = null)
    {
        var nodeJson = new List<string> { """{"id": "start", "type": "trigger", "config": {"kind": "manual"}}""" };
        var extra = new Dictionary<string, string>();
        extras?.Invoke(extra);
        foreach (var node in nodes)
        {
            if (node.StartsWith('{'))
            {
                nodeJson.Add(node);
                continue;
            }
            var parts = node.Split(':', 3);
            var more = extra.TryGetValue(parts[0], out var fields) ? ", " + fields : "";
            nodeJson.Add(parts.Length switch
            {
                1 => $$"""{"id": "{{parts[0]}}", "type": "tool", "config": {"tool": "probe"}{{more}}}""",
                _ when parts[1] == "condition" => $$"""{"id": "{{parts[0]}}", "type": "condition", "config": {"expression": "{{parts[2]}}"}{{more}}}""",
                _ when parts[1] == "delay" => $$"""{"id": "{{parts[0]}}", "type": "tool", "config": {"tool": "delay", "duration": "{{parts[2]}}"}{{more}}}""",
                _ => throw new ArgumentException($"unknown node shorthand {node}"),
            });
        }
        var edgeJson = new StringBuilder();
        foreach (var edge in edges)
        {
            var (from, to) = (edge.Split("->")[0], edge.Split("->")[1]);
            var port = from.Contains('.', StringComparison.Ordinal) ? from.Split('.')[1] : null;
            from = from.Split('.')[0];
            if (edgeJson.Length > 0) edgeJson.Append(", ");
            edgeJson.Append(port is null ? $$"""{"from": "{{from}}", "to": "{{to}}"}""" : $$"""{"from": "{{from}}", "port": "{{port}}", "to": "{{to}}"}""");
        }
        var json = $$"""{"id": "test", "version": 1, "nodes": [{{string.Join(", ", nodeJson)}}], "edges": [{{edgeJson}}]}""";
        return WorkflowJson.Parse(json);
    }
}
