using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>/api/agents over real HTTP: saving, validation, optimistic updates and refusing to delete an agent in use.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class AgentsApiTests(HostFixture host)
{
    private static string Agent(string id, string extra = "") =>
        $$"""{"id": "{{id}}", "name": "Writer {{id}}", "instructions": "Write short release notes.", "temperature": 0.2, "maxOutputTokens": 300{{extra}}}""";

    [Fact]
    public async Task Create_ThenGet_ReturnsTheAgentWithVersionAndETag()
    {
        using var created = await host.SendAsync(HttpMethod.Post, "/api/agents", Agent("writer-a"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/agents/writer-a", created.Headers.Location?.OriginalString);

        using var got = await host.Client.GetAsync("/api/agents/writer-a");
        var agent = await HostFixture.ReadJsonAsync(got);
        Assert.Equal("\"1\"", got.Headers.ETag?.Tag);
        Assert.Equal("Writer writer-a", agent.GetProperty("name").GetString());
        Assert.Equal(0.2, agent.GetProperty("temperature").GetDouble());
        Assert.Equal(300, agent.GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal(1, agent.GetProperty("version").GetInt32());
        var list = await host.GetJsonAsync("/api/agents");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetString() == "writer-a");
    }

    [Fact]
    public async Task Tools_ListsEveryToolAnAgentMayCallWithWhatItDoes()
    {
        var tools = (await host.GetJsonAsync("/api/agent-tools")).GetProperty("items").EnumerateArray().ToArray();

        string[] catalog = ["current_time", "github_add_labels", "github_comment", "github_create_issue", "github_get_issue", "github_list_issues", "http_get", "send_email", "sql_query"];
        Assert.Equal(catalog, tools.Take(catalog.Length).Select(t => t.GetProperty("name").GetString()));
        // Then the workflows with a manual trigger, as workflow:<id> (README §Workflows as tools).
        Assert.Contains(tools.Skip(catalog.Length), t => t.GetProperty("name").GetString() == "workflow:deploy-check");
        Assert.All(tools, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("description").GetString())));
    }

    [Fact]
    public async Task Models_NoneConfigured_ListsNone()
    {
        var models = await host.GetJsonAsync("/api/models");

        Assert.Empty(models.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Create_Twice_Returns409()
    {
        using var first = await host.SendAsync(HttpMethod.Post, "/api/agents", Agent("writer-twice"));
        using var second = await host.SendAsync(HttpMethod.Post, "/api/agents", Agent("writer-twice"));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Create_Invalid_Returns400WithEveryProblemByField()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/agents",
            """{"id": "Bad Id", "name": "", "temperature": 3, "maxOutputTokens": 0, "model": "nowhere", "tools": ["rm_rf"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        foreach (var field in new[] { "id", "name", "temperature", "maxOutputTokens", "model", "tools/0" }) Assert.True(errors.TryGetProperty(field, out _), field);
        Assert.Contains("ChatFlows:Models:nowhere", errors.GetProperty("model")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NullListEntries_Returns400NamingEachEntry()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/agents",
            """{"id": "nulls", "name": "N", "instructions": "", "tools": ["current_time", null], "confirm": [null], "knowledge": [null], "connections": [null]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        foreach (var field in new[] { "tools/1", "confirm/0", "knowledge/0", "connections/0" }) Assert.True(errors.TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task Create_WrongType_Returns400NamingTheField()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/api/agents", """{"id": "typed", "name": "T", "temperature": "hot"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'temperature'", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_StaleIfMatch_Returns409AndKeepsTheStoredAgent()
    {
        using var created = await host.SendAsync(HttpMethod.Post, "/api/agents", Agent("writer-put"));
        using var first = await host.SendAsync(HttpMethod.Put, "/api/agents/writer-put", Agent("writer-put").Replace("Writer writer-put", "Second", StringComparison.Ordinal), ifMatch: "\"1\"");
        using var stale = await host.SendAsync(HttpMethod.Put, "/api/agents/writer-put", Agent("writer-put").Replace("Writer writer-put", "Lost", StringComparison.Ordinal), ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(2, (await HostFixture.ReadJsonAsync(first)).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("Second", (await host.GetJsonAsync("/api/agents/writer-put")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Delete_AgentInUse_Returns409ListingTheWorkflows()
    {
        using var created = await host.SendAsync(HttpMethod.Post, "/api/agents", Agent("writer-used"));
        await host.CreateWorkflowAsync("""
            {
              "id": "uses-writer",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "write", "type": "agent", "config": {"agent": "writer-used", "input": "{{ trigger.text }}"}}
              ],
              "edges": [{"from": "play", "to": "write"}]
            }
            """);

        using var refused = await host.SendAsync(HttpMethod.Delete, "/api/agents/writer-used");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(refused);
        Assert.Equal(["uses-writer"], problem.GetProperty("workflows").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/api/agents/writer-used")).StatusCode);

        using var unused = await host.SendAsync(HttpMethod.Delete, "/api/workflows/uses-writer");
        using var deleted = await host.SendAsync(HttpMethod.Delete, "/api/agents/writer-used");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/api/agents/writer-used")).StatusCode);
    }

    [Fact]
    public async Task AgentNode_WithoutModelProfile_FailsNamingTheKeyAndOtherRunsWork()
    {
        using var created = await host.SendAsync(HttpMethod.Post, "/api/agents", Agent("writer-no-model"));
        await host.CreateWorkflowAsync("""
            {
              "id": "needs-model",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "write", "type": "agent", "config": {"agent": "writer-no-model", "input": "hello"}}
              ],
              "edges": [{"from": "play", "to": "write"}]
            }
            """);
        await host.CreateWorkflowAsync(TestWorkflows.Echo("still-works"));

        var failed = await host.WaitForRunAsync(await host.StartRunAsync("needs-model"));
        var fine = await host.WaitForRunAsync(await host.StartRunAsync("still-works", """{"x": 1}"""));

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("ChatFlows:Models:", failed.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("succeeded", fine.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Object, fine.GetProperty("result").ValueKind);
    }
}
