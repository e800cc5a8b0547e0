using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Testing;

/// <summary>
/// Reads a workflow's tests (README §Workflow tests) from the document's <c>tests</c> array or a
/// <c>&lt;workflow&gt;.tests.json</c> file, reporting every problem with its path (<c>tests/0/mocks/notify</c>) as
/// validation does, so that a test naming a node the workflow no longer has is found on save.
/// </summary>
public static class WorkflowTests
{
    /// <summary>The run statuses a test may expect.</summary>
    public static readonly IReadOnlyList<string> Statuses = ["succeeded", "failed", "waiting", "expired"];

    /// <summary>The node statuses a test may expect.</summary>
    public static readonly IReadOnlyList<string> NodeStatuses = ["succeeded", "skipped", "failed"];

    private static readonly HashSet<string> TestFields = ["name", "trigger", "triggerNode", "mocks", "expect"];
    private static readonly HashSet<string> MockFields = ["output", "port", "error"];
    private static readonly HashSet<string> ExpectFields = ["status", "path", "nodes", "outputs", "result"];
    private static readonly HashSet<string> FileFields = ["workflow", "tests"];

    /// <summary>
    /// The tests in <paramref name="tests"/>, checked against <paramref name="document"/>'s nodes; a test with a
    /// problem is left out and each problem is added to <paramref name="problems"/> under <paramref name="path"/>.
    /// </summary>
    public static IReadOnlyList<WorkflowTest> Read(JsonArray? tests, WorkflowDocument document, NodeRegistry registry, List<ValidationProblem> problems, string path = "tests")
    {
        var read = new List<WorkflowTest>();
        if (tests is null) return read;
        var nodes = new Dictionary<string, WorkflowNode>(StringComparer.Ordinal);
        foreach (var node in document.Nodes) nodes.TryAdd(node.Id, node);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tests.Count; i++)
        {
            var before = problems.Count;
            var test = ReadTest(tests[i], $"{path}/{i}", nodes, registry, problems);
            if (test is not null && !names.Add(test.Name)) problems.Add(new($"{path}/{i}/name", $"Another test is already named '{test.Name}'; give each test its own name."));
            if (test is not null && problems.Count == before) read.Add(test);
        }
        return read;
    }

    /// <summary>
    /// Reads a tests file, <c>{ "workflow"?: "&lt;workflow file&gt;", "tests": [...] }</c>; throws
    /// <see cref="WorkflowFormatException"/> when it is not JSON of that shape.
    /// </summary>
    public static (string? Workflow, JsonArray Tests) ParseFile(string json)
    {
        if (!StrictJson.TryParse(json, out var root, out var error, allowComments: true)) throw new WorkflowFormatException(error);
        if (root.ValueKind != JsonValueKind.Object) throw new WorkflowFormatException("A tests file must be a JSON object: { \"tests\": [ … ] }.");
        var file = JsonObject.Create(root)!;
        if (file.Select(p => p.Key).FirstOrDefault(k => !FileFields.Contains(k)) is { } unknown)
        {
            throw new WorkflowFormatException($"{unknown}: a tests file has only \"tests\" and, optionally, \"workflow\" (the workflow file it tests).");
        }
        if (file["tests"] is not JsonArray tests) throw new WorkflowFormatException("tests: a tests file needs \"tests\", an array of tests.");
        var workflow = file["workflow"] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw new WorkflowFormatException("workflow: must be the path of the workflow file, relative to the tests file."),
        };
        return (workflow, tests.DeepClone().AsArray());
    }

    private static WorkflowTest? ReadTest(JsonNode? value, string path, Dictionary<string, WorkflowNode> nodes, NodeRegistry registry, List<ValidationProblem> problems)
    {
        if (value is not JsonObject test)
        {
            problems.Add(new(path, "A test must be an object with name, trigger, mocks and expect."));
            return null;
        }
        Unknown(test, TestFields, path, "a test has name, trigger, triggerNode, mocks and expect", problems);
        var name = test["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>().Trim() : null;
        if (string.IsNullOrEmpty(name))
        {
            problems.Add(new($"{path}/name", "The test needs a name saying what it shows, like \"an approved order is stored\"."));
            name = null;
        }

        var trigger = JsonSerializer.SerializeToElement(new { });
        if (test["trigger"] is { } payload)
        {
            if (payload is JsonObject) trigger = JsonSerializer.SerializeToElement(payload);
            else problems.Add(new($"{path}/trigger", "trigger must be a JSON object: the payload the run starts with."));
        }

        string? triggerNode = null;
        if (test["triggerNode"] is { } t)
        {
            triggerNode = t is JsonValue tv && tv.GetValueKind() == JsonValueKind.String ? tv.GetValue<string>() : null;
            if (triggerNode is null || !nodes.TryGetValue(triggerNode, out var node) || node.Type != NodeTypes.Trigger)
            {
                var triggers = string.Join(", ", nodes.Values.Where(x => x.Type == NodeTypes.Trigger).Select(x => x.Id));
                problems.Add(new($"{path}/triggerNode", $"triggerNode must name one of the workflow's triggers: {triggers}."));
            }
        }

        var mocks = new Dictionary<string, NodeMock>(StringComparer.Ordinal);
        if (test["mocks"] is { } mockValue)
        {
            if (mockValue is not JsonObject mockObject) problems.Add(new($"{path}/mocks", "mocks must be an object: node id → { \"output\": …, \"port\"?: … } or { \"error\": \"…\" }."));
            else
            {
                foreach (var (id, mock) in mockObject)
                {
                    if (ReadMock(mock, $"{path}/mocks/{id}", id, nodes, registry, problems) is { } read) mocks[id] = read;
                }
            }
        }

        var expect = test["expect"] is { } expectValue ? ReadExpect(expectValue, $"{path}/expect", nodes, problems) : new TestExpectation();
        return name is null ? null : new WorkflowTest { Name = name, Trigger = trigger, TriggerNode = triggerNode, Mocks = mocks, Expect = expect };
    }

    private static NodeMock? ReadMock(JsonNode? value, string path, string id, Dictionary<string, WorkflowNode> nodes, NodeRegistry registry, List<ValidationProblem> problems)
    {
        if (!nodes.TryGetValue(id, out var node))
        {
            problems.Add(new(path, $"No node has the id '{id}'; mock one of {string.Join(", ", nodes.Keys)}."));
            return null;
        }
        if (value is not JsonObject mock)
        {
            problems.Add(new(path, "A mock must be an object: { \"output\": …, \"port\"?: … } or { \"error\": \"…\" }."));
            return null;
        }
        Unknown(mock, MockFields, path, "a mock has output and port, or error", problems);
        string? error = null;
        if (mock["error"] is { } e)
        {
            error = e is JsonValue ev && ev.GetValueKind() == JsonValueKind.String ? ev.GetValue<string>() : null;
            if (string.IsNullOrWhiteSpace(error)) problems.Add(new($"{path}/error", "error must be the message the node fails with."));
            if (mock.ContainsKey("output") || mock.ContainsKey("port")) problems.Add(new(path, "A mock either fails (error) or gives an output and port, not both."));
        }
        string? port = null;
        if (mock["port"] is { } p)
        {
            port = p is JsonValue pv && pv.GetValueKind() == JsonValueKind.String ? pv.GetValue<string>() : null;
            if (port is null) problems.Add(new($"{path}/port", "port must be a string naming one of the node's ports."));
        }
        var kind = registry.Find(node);
        if (error is null && kind is not null)
        {
            if (kind.Ports.Count > 0 && port is null)
            {
                problems.Add(new($"{path}/port", $"'{id}' is a {kind.Name}: say which port its mock fires, {string.Join(", ", kind.Ports)}."));
            }
            else if (port is not null && !kind.Ports.Contains(port))
            {
                var ports = kind.Ports.Count > 0 ? $"its ports are {string.Join(", ", kind.Ports)}" : "it has only its default port (leave port out)";
                problems.Add(new($"{path}/port", $"{kind.Name} '{id}' has no port '{port}'; {ports}."));
            }
        }
        JsonElement? output = mock["output"] is { } o ? JsonSerializer.SerializeToElement(o) : null;
        return new NodeMock(output, port, error);
    }

    private static TestExpectation ReadExpect(JsonNode value, string path, Dictionary<string, WorkflowNode> nodes, List<ValidationProblem> problems)
    {
        if (value is not JsonObject expect)
        {
            problems.Add(new(path, "expect must be an object with status, path, nodes, outputs or result."));
            return new TestExpectation();
        }
        Unknown(expect, ExpectFields, path, "expect has status, path, nodes, outputs and result", problems);
        string? status = null;
        if (expect["status"] is { } s)
        {
            status = s is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : null;
            if (status is null || !Statuses.Contains(status)) problems.Add(new($"{path}/status", $"status must be one of {string.Join(", ", Statuses)}."));
        }

        List<string>? ran = null;
        if (expect["path"] is { } pathValue)
        {
            ran = [];
            if (pathValue is not JsonArray ids) problems.Add(new($"{path}/path", "path must be an array of the node ids that run, in any order."));
            else
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    var id = ids[i] is JsonValue iv && iv.GetValueKind() == JsonValueKind.String ? iv.GetValue<string>() : null;
                    if (id is null || !nodes.ContainsKey(id)) problems.Add(new($"{path}/path/{i}", $"No node has the id '{id ?? ids[i]?.ToJsonString()}'."));
                    else ran.Add(id);
                }
            }
        }

        Dictionary<string, string>? statuses = null;
        if (expect["nodes"] is { } nodesValue)
        {
            statuses = new(StringComparer.Ordinal);
            if (nodesValue is not JsonObject byNode) problems.Add(new($"{path}/nodes", "nodes must be an object: node id → succeeded, skipped or failed."));
            else
            {
                foreach (var (id, st) in byNode)
                {
                    var text = st is JsonValue stv && stv.GetValueKind() == JsonValueKind.String ? stv.GetValue<string>() : null;
                    if (!nodes.ContainsKey(id)) problems.Add(new($"{path}/nodes/{id}", $"No node has the id '{id}'."));
                    else if (text is null || !NodeStatuses.Contains(text)) problems.Add(new($"{path}/nodes/{id}", $"A node's status must be one of {string.Join(", ", NodeStatuses)}."));
                    else statuses[id] = text;
                }
            }
        }

        Dictionary<string, JsonElement>? outputs = null;
        if (expect["outputs"] is { } outputsValue)
        {
            outputs = new(StringComparer.Ordinal);
            if (outputsValue is not JsonObject byNode) problems.Add(new($"{path}/outputs", "outputs must be an object: node id → the output expected (objects match as a subset)."));
            else
            {
                foreach (var (id, output) in byNode)
                {
                    if (!nodes.ContainsKey(id)) problems.Add(new($"{path}/outputs/{id}", $"No node has the id '{id}'."));
                    else outputs[id] = JsonSerializer.SerializeToElement(output);
                }
            }
        }

        JsonElement? result = expect.ContainsKey("result") ? JsonSerializer.SerializeToElement(expect["result"]) : null;
        return new TestExpectation { Status = status, Path = ran, Nodes = statuses, Outputs = outputs, Result = result };
    }

    private static void Unknown(JsonObject obj, HashSet<string> known, string path, string fields, List<ValidationProblem> problems)
    {
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key)) problems.Add(new($"{path}/{key}", $"'{key}' is not known here; {fields}."));
        }
    }
}
