using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Tests.Documents;

public class WorkflowJsonTests
{
    // The canonical form: two-space indent, fixed property order, every optional field present, non-ASCII text kept
    // as is, and a trailing newline.
    private const string Canonical = """
        {
          "id": "standup-digest",
          "name": "Standup digest – Übersicht",
          "description": "Posts the day's items to the team channel.",
          "version": 4,
          "nodes": [
            {
              "id": "daily",
              "type": "trigger",
              "config": {
                "kind": "schedule",
                "cron": "0 9 * * MON-FRI",
                "timeZone": "Europe/Berlin",
                "channel": "slack:C0123"
              }
            },
            {
              "id": "fetch",
              "type": "tool",
              "config": {
                "tool": "transform",
                "value": {
                  "items": "{{ trigger.items }}",
                  "count": 3,
                  "ratio": 0.25,
                  "tags": [
                    "a",
                    "b"
                  ],
                  "empty": {},
                  "none": null,
                  "ok": true
                }
              },
              "output": "items",
              "retry": {
                "maxAttempts": 3,
                "initialDelay": "PT1S",
                "backoffFactor": 2,
                "maxDelay": "PT1M",
                "jitter": 0.2
              },
              "timeout": "PT10S",
              "onError": "route"
            },
            {
              "id": "any",
              "type": "condition",
              "config": {
                "expression": "data.items.length > 0 && data.items[0] !== '<none>'"
              }
            },
            {
              "id": "done",
              "type": "output",
              "config": {}
            }
          ],
          "edges": [
            {
              "from": "daily",
              "to": "fetch"
            },
            {
              "from": "fetch",
              "to": "any"
            },
            {
              "from": "fetch",
              "port": "error",
              "to": "done"
            },
            {
              "from": "any",
              "port": "true",
              "to": "done"
            }
          ],
          "layout": {
            "daily": {
              "x": 40,
              "y": 80
            }
          }
        }

        """;

    [Fact]
    public void Serialize_ParsedCanonicalDocument_RoundTripsByteForByte()
    {
        var document = WorkflowJson.Parse(Canonical);

        var written = WorkflowJson.Serialize(document);

        Assert.Equal(Canonical, written);
        Assert.EndsWith("}\n", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CanonicalDocument_ReadsEveryField()
    {
        var document = WorkflowJson.Parse(Canonical);

        Assert.Equal("standup-digest", document.Id);
        Assert.Equal("Standup digest – Übersicht", document.Name);
        Assert.Equal(4, document.Version);
        Assert.Equal(["daily", "fetch", "any", "done"], document.Nodes.Select(n => n.Id));
        var fetch = document.Nodes[1];
        Assert.Equal("tool/transform", fetch.TypeName);
        Assert.Equal("items", fetch.OutputKey);
        Assert.Equal("PT10S", fetch.Timeout);
        Assert.Equal(OnErrorModes.Route, fetch.OnError);
        Assert.NotNull(fetch.Retry);
        Assert.Equal(3, fetch.Retry.MaxAttempts);
        Assert.Equal(0.2, fetch.Retry.Jitter);
        Assert.Equal(new WorkflowEdge("fetch", "done", "error"), document.Edges[2]);
        Assert.Null(document.Edges[0].Port);
        Assert.NotNull(document.Layout);
    }

    [Fact]
    public void Serialize_CompactDocumentInAnyOrder_WritesCanonicalForm()
    {
        const string compact = """
            {"layout": {"daily": {"x": 40, "y": 80}}, "edges": [{"to": "fetch", "from": "daily"}, {"to": "any", "from": "fetch"},
             {"to": "done", "port": "error", "from": "fetch"}, {"port": "true", "from": "any", "to": "done"}],
             "version": 4, "description": "Posts the day's items to the team channel.", "name": "Standup digest – Übersicht",
             "id": "standup-digest", "nodes": [
              {"config": {"kind": "schedule", "cron": "0 9 * * MON-FRI", "timeZone": "Europe/Berlin", "channel": "slack:C0123"}, "type": "trigger", "id": "daily"},
              {"onError": "route", "timeout": "PT10S", "retry": {"jitter": 0.2, "maxDelay": "PT1M", "backoffFactor": 2, "initialDelay": "PT1S", "maxAttempts": 3},
               "output": "items", "id": "fetch", "type": "tool", "config": {"tool": "transform", "value": {"items": "{{ trigger.items }}", "count": 3, "ratio": 0.25,
               "tags": ["a", "b"], "empty": {}, "none": null, "ok": true}}},
              {"id": "any", "type": "condition", "config": {"expression": "data.items.length > 0 && data.items[0] !== '<none>'"}},
              {"id": "done", "type": "output"}]}
            """;

        Assert.Equal(Canonical, WorkflowJson.Serialize(WorkflowJson.Parse(compact)));
    }

    [Fact]
    public void Parse_NotJson_ThrowsWithLineAndColumn()
    {
        const string broken = "{\n  \"id\": \"x\",\n  \"nodes\": [,]\n}";

        var ex = Assert.Throws<WorkflowFormatException>(() => WorkflowJson.Parse(broken));

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3, column 13", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("',' is an invalid start of a value.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PlainText_ThrowsWithLineAndColumn()
    {
        var ex = Assert.Throws<WorkflowFormatException>(() => WorkflowJson.Parse("hello"));

        Assert.Contains("line 1, column 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NodesIsAnObject_ThrowsNamingNodes()
    {
        var ex = Assert.Throws<WorkflowFormatException>(() => WorkflowJson.Parse("""{"id": "x", "nodes": {"a": {}}}"""));

        Assert.StartsWith("nodes must be an array", ex.Message, StringComparison.Ordinal);
        Assert.Contains("an object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NodeConfigIsAString_ThrowsNamingConfigPath()
    {
        const string json = """
            {"id": "x", "nodes": [{"id": "a", "type": "trigger", "config": "manual"}]}
            """;

        var ex = Assert.Throws<WorkflowFormatException>(() => WorkflowJson.Parse(json));

        Assert.StartsWith("nodes/0/config must be a JSON object", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"manual\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MisspelledNodeProperty_ThrowsNamingNodeAndProperty()
    {
        const string json = """
            {"id": "x", "nodes": [{"id": "a", "type": "trigger", "config": {"kind": "manual"}},
                                  {"id": "b", "type": "tool", "config": {"tool": "transform", "value": 1}, "ouput": "b2"}]}
            """;

        var ex = Assert.Throws<WorkflowFormatException>(() => WorkflowJson.Parse(json));

        Assert.StartsWith("nodes/1 has an unknown property 'ouput'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("output", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EdgeTargetIsANumber_ThrowsNamingEdgePath()
    {
        const string json = """
            {"id": "x", "nodes": [], "edges": [{"from": "a", "to": "b"}, {"from": "a", "to": 7}]}
            """;

        var ex = Assert.Throws<WorkflowFormatException>(() => WorkflowJson.Parse(json));

        Assert.StartsWith("edges/1/to must be a string, not the number 7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RetryAttemptsNotWhole_ThrowsNamingRetryPath()
    {
        const string json = """
            {"id": "x", "nodes": [{"id": "a", "type": "tool", "config": {}, "retry": {"maxAttempts": 2.5}}]}
            """;

        var ex = Assert.Throws<WorkflowFormatException>(() => WorkflowJson.Parse(json));

        Assert.StartsWith("nodes/0/retry/maxAttempts must be a whole number", ex.Message, StringComparison.Ordinal);
    }
}
