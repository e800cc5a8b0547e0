using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>
/// <c>POST /api/workflows/paths</c> and <c>/api/workflows/preview</c> over real HTTP against a real run: what a node can
/// read, and a template or condition rendered in the run's sandbox, without ever revealing a secret.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class DataPickerApiTests(HostFixture host)
{
    /// <summary>start → check (transform) → gate (condition) → after (transform) → done (end).</summary>
    private static string Checked(string id) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "check", "type": "tool", "config": {"tool": "transform", "value": {"status": "ok", "count": 2, "items": [{"name": "web"}, {"name": "db"}]}}},
            {"id": "gate", "type": "condition", "config": {"expression": "data.check.count > 1"}},
            {"id": "after", "type": "tool", "config": {"tool": "transform", "value": {"line": "{{ data.check.status | upcase }} x{{ data.check.items.size }} for {{ trigger.who }}"}}, "output": "summary"},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "{{ data.summary.line }}"}}
          ],
          "edges": [{"from": "start", "to": "check"}, {"from": "check", "to": "gate"}, {"from": "gate", "port": "true", "to": "after"}, {"from": "after", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal);

    [Fact]
    public async Task Paths_AfterARun_OfferTheUpstreamOutputsOfThatRunAndNotTheDownstreamOnes()
    {
        var document = await host.CreateWorkflowAsync(Checked("picker-paths"));
        var runId = await host.StartRunAsync("picker-paths", """{"who": "ada"}""");
        Assert.Equal("succeeded", (await host.WaitForRunAsync(runId)).GetProperty("status").GetString());

        var answer = await PathsAsync(document, "gate", "expression");

        Assert.Equal(runId, answer.GetProperty("runId").GetString());
        var paths = ByPath(answer);
        Assert.Equal(("string", "ok", "run"), paths["data.check.status"]);
        Assert.Equal(("string", "web", "run"), paths["data.check.items[0].name"]);
        Assert.Equal(("number", "2", "run"), paths["data.check.items.length"]);
        Assert.Equal(("string", "ada", "run"), paths["trigger.who"]);
        Assert.Equal(("string", runId, "run"), paths["run.id"]);
        Assert.DoesNotContain(paths.Keys, p => p.StartsWith("data.summary", StringComparison.Ordinal) || p.StartsWith("data.done", StringComparison.Ordinal));
        Assert.DoesNotContain(paths.Keys, p => p.StartsWith("secrets.", StringComparison.Ordinal));

        // Further down, the condition's own output is upstream too; templates count items with size.
        var after = ByPath(await PathsAsync(document, "after", "value/line"));
        Assert.Contains("data.gate", after.Keys);
        Assert.Equal(("number", "2", "run"), after["data.check.items.size"]);
        Assert.DoesNotContain(after.Keys, p => p.StartsWith("data.summary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Paths_OfAnUnsavedDocumentWithAPinnedTrigger_OfferTheTriggerSample()
    {
        var document = JsonNode.Parse(Checked(""))!.AsObject();
        document["pinned"] = JsonNode.Parse("""{"trigger": {"repo": {"name": "website", "stars": 12}}, "nodes": {"check": {"status": "pinned-ok"}}}""");

        var answer = await PathsAsync(JsonElement.Parse(document.ToJsonString()), "after", "value/line");

        Assert.Equal(JsonValueKind.Null, answer.GetProperty("runId").ValueKind);
        Assert.Equal("pinned", answer.GetProperty("triggerSource").GetString());
        var paths = ByPath(answer);
        Assert.Equal(("string", "website", "pinned"), paths["trigger.repo.name"]);
        Assert.Equal(("number", "12", "pinned"), paths["trigger.repo.stars"]);
        Assert.Equal(("string", "pinned-ok", "pinned"), paths["data.check.status"]);
    }

    [Fact]
    public async Task Paths_OfACommandTriggeredWorkflowThatNeverRan_OfferTheCommandPayload()
    {
        var document = JsonElement.Parse("""
            {"id": "", "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "picker-never"}},
              {"id": "say", "type": "output", "config": {"kind": "message", "text": ""}}],
             "edges": [{"from": "cmd", "to": "say"}]}
            """);

        var paths = ByPath(await PathsAsync(document, "say", "text"));

        Assert.Equal(["trigger", "trigger.args", "trigger.text", "trigger.user", "trigger.channel", "trigger.thread"], paths.Keys.Where(p => p.StartsWith("trigger", StringComparison.Ordinal)));
        Assert.Equal("shape", paths["trigger.user"].Source);
    }

    [Fact]
    public async Task Paths_InACredentialField_OfferSecretNamesButNeverTheirValues()
    {
        var document = HttpWorkflow("{{ secrets.TEST_HOOK }}");

        using var credential = await host.SendAsync(HttpMethod.Post, "/api/workflows/paths", Request(document, "call", "headers/Authorization"));
        var body = await credential.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, credential.StatusCode);
        Assert.Equal(("secret", null, "secret"), ByPath(JsonElement.Parse(body))[$"secrets.{HostFixture.HookSecretName}"]);
        Assert.DoesNotContain(HostFixture.HookSecret, body, StringComparison.Ordinal);

        var url = ByPath(await PathsAsync(document, "call", "url"));
        Assert.DoesNotContain(url.Keys, p => p.StartsWith("secrets.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Preview_ATemplate_RendersWhatTheRunRendered()
    {
        var document = await host.CreateWorkflowAsync(Checked("picker-preview"));
        var runId = await host.StartRunAsync("picker-preview", """{"who": "ada"}""");
        var run = await host.WaitForRunAsync(runId);
        var rendered = run.GetProperty("result").GetString();

        var preview = await PreviewAsync(document, "after", "value/line", "{{ data.check.status | upcase }} x{{ data.check.items.size }} for {{ trigger.who }}");

        Assert.Equal("OK x2 for ada", rendered);
        Assert.Equal(rendered, preview.GetProperty("text").GetString());
        Assert.Equal(runId, preview.GetProperty("runId").GetString());

        var json = await PreviewAsync(document, "after", "value", """{"line": "{{ data.check.status | upcase }}", "n": "{{ data.check.count }}"}""", "json");
        Assert.Equal("""{"line":"OK","n":2}""", json.GetProperty("text").GetString());

        var condition = await PreviewAsync(document, "gate", "expression", "data.check.items.filter(i => i.name != 'db').length");
        Assert.Equal("1", condition.GetProperty("text").GetString());
        Assert.True(condition.GetProperty("truthy").GetBoolean());
    }

    [Fact]
    public async Task Preview_ASecretInACredentialField_ShowsDotsAndNeverTheValue()
    {
        var document = HttpWorkflow("Bearer {{ secrets.TEST_HOOK }}");

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/preview", Request(document, "call", "headers/Authorization", "Bearer {{ secrets.TEST_HOOK }}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer ••••", JsonElement.Parse(body).GetProperty("text").GetString());
        Assert.DoesNotContain(HostFixture.HookSecret, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("url", "template", "{{ secrets.TEST_HOOK }}", "secrets can be used only in credential fields")]
    [InlineData("headers/Authorization", "template", "{{ secrets.TEST_HOOK | upcase }}", "secrets can be used only in credential fields")]
    [InlineData("url", "expression", "secrets.TEST_HOOK.length > 0", "secrets can be used only in credential fields")]
    public async Task Preview_ASecretWhereItMayNotBeRead_Is400NamingTheField(string field, string syntax, string text, string message)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/preview", Request(HttpWorkflow("x"), "call", field, text, syntax));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonElement.Parse(body).GetProperty("errors").GetProperty($"nodes/call/config/{field}");
        Assert.Contains(message, errors[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(HostFixture.HookSecret, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("after", "value/line", "template", "{{ data.check.status | }}", "nodes/after/config/value/line: template does not parse: line 1, column")]
    [InlineData("check", "value/ok", "expression", "trigger.nothing.status == 'ok'", "nodes/check/config/value/ok: line 1, column 17: Cannot read properties of undefined")]
    [InlineData("gate", "expression", "expression", "while (true) {}", "nodes/gate/config/expression: expression does not parse")]
    [InlineData("after", "value", "json", "{\"line\": \"{{ data.check.status | }}\"}", "nodes/after/config/value/line: template does not parse")]
    [InlineData("after", "value", "json", "{\"line\": ", "nodes/after/config/value: the value is")]
    [InlineData("after", "value/line", "template", "{% for i in (1..10000000) %}x{% endfor %}", "nodes/after/config/value/line: template failed: the range (1..10000000) has more than 100,000 items (ChatFlows:Sandbox:TemplateMaxSteps).")]
    public async Task Preview_ABadTemplateOrExpression_Is400WithTheSandboxMessage(string node, string field, string syntax, string text, string message)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/preview", Request(JsonElement.Parse(Checked("")), node, field, text, syntax));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        var errors = problem.GetProperty("errors").GetProperty($"nodes/{node}/config/{field}");
        Assert.StartsWith(message, errors[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_WhenUpstreamNodesNeverRan_SaysWhichInsteadOfAnError()
    {
        var preview = await PreviewAsync(JsonElement.Parse(Checked("")), "gate", "expression", "data.check.count > 1");

        Assert.StartsWith("No value yet: data.check has no output to preview with.", preview.GetProperty("pending").GetString(), StringComparison.Ordinal);

        // A text that does not parse is wrong whatever the data.
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/preview", Request(JsonElement.Parse(Checked("")), "gate", "expression", "data.check.count >"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"nodeId": "gate", "field": "expression", "text": "1"}""", "document")]
    [InlineData("""{"document": {"nodes": "no"}, "nodeId": "gate", "field": "expression", "text": "1"}""", "document")]
    [InlineData("""{"document": {"nodes": []}, "nodeId": "gate", "field": "expression", "text": "1"}""", "nodeId")]
    [InlineData("""{"document": {"nodes": [{"id": "gate", "type": "condition"}]}, "nodeId": "gate", "text": "1"}""", "field")]
    [InlineData("""{"document": {"nodes": [{"id": "gate", "type": "condition"}]}, "nodeId": "gate", "field": "expression"}""", "text")]
    [InlineData("""{"document": {"nodes": [{"id": "gate", "type": "condition"}]}, "nodeId": "gate", "field": "expression", "text": "1", "syntax": "python"}""", "syntax")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("""{"document": """, "body")]
    public async Task Preview_BadRequest_Is400NamingTheField(string json, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/preview", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    private static JsonElement HttpWorkflow(string authorization) => JsonSerializer.SerializeToElement(new
    {
        id = "",
        nodes = new object[]
        {
            new { id = "start", type = "trigger", config = new { kind = "manual" } },
            new { id = "call", type = "tool", config = new { tool = "http", method = "GET", url = "http://127.0.0.1:1/", headers = new Dictionary<string, string> { ["Authorization"] = authorization } } },
        },
        edges = new[] { new { from = "start", to = "call" } },
    });

    private static string Request(JsonElement document, string nodeId, string field, string? text = null, string? syntax = null) =>
        JsonSerializer.Serialize(new { document, nodeId, field, text, syntax }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });

    private async Task<JsonElement> PathsAsync(JsonElement document, string nodeId, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/paths", Request(document, nodeId, field));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await HostFixture.ReadJsonAsync(response);
    }

    private async Task<JsonElement> PreviewAsync(JsonElement document, string nodeId, string field, string text, string? syntax = null)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows/preview", Request(document, nodeId, field, text, syntax));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await HostFixture.ReadJsonAsync(response);
    }

    private static Dictionary<string, (string Type, string? Example, string Source)> ByPath(JsonElement answer) =>
        answer.GetProperty("paths").EnumerateArray().ToDictionary(
            p => p.GetProperty("path").GetString()!,
            p => (p.GetProperty("type").GetString()!, p.GetProperty("example").GetString(), p.GetProperty("source").GetString()!));
}
