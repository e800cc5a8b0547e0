using System.Net;
using System.Text.Json;
using ChatFlows.Core.Tests.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>
/// README §Test a node and §Replay a run over the real host: one node tested from the API without a run, and a finished
/// run replayed from a node, against a local HTTP server that counts what it receives.
/// </summary>
public sealed class NodeTestApiTests : IAsyncLifetime
{
    private const string Token = "tok-93be0c1f77aa";
    private readonly HostFixture _host = new(new Dictionary<string, string> { ["ChatFlows:Http:AllowedHosts:0"] = "127.0.0.1" });
    private HttpTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await HttpTestServer.StartAsync();
        _server.Map("/hook", 200, """{"ok": true}""");
        _server.Map("/echo", (context, request) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { authorization = request.Header("Authorization"), body = request.Body }));
        });
        await _host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    // play -> notify (POST /hook) -> shape (transform) -> send (POST /echo with a secret header).
    private string Pipeline(string id) => """
        {
          "id": "ID",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "notify", "name": "Notify the team", "type": "tool", "config": {"tool": "http", "method": "POST", "url": "HOOK", "body": {"service": "{{ trigger.service }}"}}},
            {"id": "shape", "name": "Shape the report", "type": "tool", "config": {"tool": "transform", "value": {"line": "{{ trigger.service }} is {{ data.notify.ok }}"}}},
            {"id": "send", "type": "tool", "config": {"tool": "http", "method": "POST", "url": "ECHO",
                                                       "headers": {"Authorization": "Bearer {{ secrets.API_TOKEN }}"}, "body": {"line": "{{ data.shape.line }}"}}}
          ],
          "edges": [{"from": "play", "to": "notify"}, {"from": "notify", "to": "shape"}, {"from": "shape", "to": "send"}]
        }
        """.Replace("ID", id, StringComparison.Ordinal).Replace("HOOK", _server.Url("/hook"), StringComparison.Ordinal).Replace("ECHO", _server.Url("/echo"), StringComparison.Ordinal);

    private async Task<JsonElement> TestNodeAsync(string workflowId, string nodeId, string body, HttpStatusCode expected)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, $"/api/workflows/{workflowId}/nodes/{nodeId}/test", body);
        var json = await HostFixture.ReadJsonAsync(response);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {json}");
        return json;
    }

    private async Task SetTokenAsync()
    {
        using var set = await _host.SendAsync(HttpMethod.Put, "/api/secrets/API_TOKEN", $$"""{"value": "{{Token}}"}""");
        Assert.True(set.IsSuccessStatusCode);
    }

    [Fact]
    public async Task TestNode_SideEffectWithoutConfirm_Is409NamingTheEffectAndSendsNothing()
    {
        await _host.CreateWorkflowAsync(Pipeline("nt-confirm"));

        var problem = await TestNodeAsync("nt-confirm", "notify", """{"source": "custom", "trigger": {"service": "api"}}""", HttpStatusCode.Conflict);

        Assert.Equal("This node sends an HTTP request. Test it for real? Send confirm: true to run it.", problem.GetProperty("detail").GetString());
        Assert.Equal("sends an HTTP request", problem.GetProperty("sideEffect").GetString());
        Assert.Empty(_server.Received("/hook"));
    }

    [Fact]
    public async Task TestNode_ConfirmedHttpWithASecret_SendsOnceShowsTheOutputRedactedAndStoresNoEffect()
    {
        await SetTokenAsync();
        await _host.CreateWorkflowAsync(Pipeline("nt-secret"));

        var result = await TestNodeAsync("nt-secret", "send", """{"source": "custom", "data": {"shape": {"line": "api is up"}}, "confirm": true}""", HttpStatusCode.OK);

        var sent = Assert.Single(_server.Received("/echo"));
        Assert.Equal($"Bearer {Token}", sent.Header("Authorization"));
        Assert.Contains("api is up", sent.Body, StringComparison.Ordinal);
        Assert.Equal("succeeded", result.GetProperty("status").GetString());
        Assert.Equal("Bearer [secret API_TOKEN]", result.GetProperty("output").GetProperty("authorization").GetString());
        Assert.DoesNotContain(Token, result.GetRawText(), StringComparison.Ordinal);
        Assert.True(result.GetProperty("durationMs").GetDouble() >= 0);
        Assert.Equal(0, await CountAsync("select count(*) from node_effects") + await CountAsync("select count(*) from runs where workflow_id = 'nt-secret'"));
    }

    [Fact]
    public async Task TestNode_UnknownNode_Is404()
    {
        await _host.CreateWorkflowAsync(Pipeline("nt-unknown"));

        var problem = await TestNodeAsync("nt-unknown", "nowhere", """{"source": "custom"}""", HttpStatusCode.NotFound);

        Assert.Contains("no node 'nowhere'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"source": "yesterday"}""", "source")]
    [InlineData("""{"source": "custom", "data": [1]}""", "data")]
    [InlineData("""{"source": "custom", "confirm": "yes"}""", "confirm")]
    [InlineData("""{"source": "lastRun"}""", "source")]
    [InlineData("""{"source": "pinned"}""", "source")]
    [InlineData("""{"document": 3}""", "document")]
    public async Task TestNode_BadInput_Is400NamingTheField(string body, string field)
    {
        await _host.CreateWorkflowAsync(Pipeline($"nt-bad-{field}-{body.Length}"));

        var problem = await TestNodeAsync($"nt-bad-{field}-{body.Length}", "shape", body, HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task TestNode_LastRun_UsesItsTriggerAndRecordedOutputs()
    {
        await _host.CreateWorkflowAsync(Pipeline("nt-last"));
        var runId = await _host.StartRunAsync("nt-last", """{"service": "billing"}""");
        await _host.WaitForRunAsync(runId);

        var result = await TestNodeAsync("nt-last", "shape", """{"source": "lastRun"}""", HttpStatusCode.OK);

        Assert.Equal("billing is true", result.GetProperty("output").GetProperty("line").GetString());
        Assert.Equal(runId, result.GetProperty("fromRun").GetString());
    }

    [Fact]
    public async Task TestNode_UnsavedDocumentWithPinnedData_IsTestedAsSent()
    {
        var document = JsonDocument.Parse(Pipeline("")).RootElement.GetRawText()
            .Replace("\"id\": \"\",", "\"pinned\": {\"trigger\": {\"service\": \"mail\"}, \"nodes\": {\"notify\": {\"ok\": \"pinned\"}}},", StringComparison.Ordinal);

        var result = await TestNodeAsync("nt-new", "shape", $$"""{"source": "pinned", "document": {{document}}}""", HttpStatusCode.OK);

        Assert.Equal("mail is pinned", result.GetProperty("output").GetProperty("line").GetString());
        Assert.Equal("pinned", result.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Replay_FromTheMiddleNode_ReusesTheFirstRequestAndRunsTheRest()
    {
        await SetTokenAsync();
        await _host.CreateWorkflowAsync(Pipeline("rp-middle"));
        var oldId = await _host.StartRunAsync("rp-middle", """{"service": "api"}""");
        await _host.WaitForRunAsync(oldId);

        using var response = await _host.SendAsync(HttpMethod.Post, $"/api/runs/{oldId}/replay", """{"fromNode": "shape"}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var newId = (await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!;
        var replay = await _host.WaitForRunAsync(newId);
        var old = await _host.GetJsonAsync($"/api/runs/{oldId}");

        Assert.Equal("succeeded", replay.GetProperty("status").GetString());
        Assert.Single(_server.Received("/hook"));
        Assert.Equal(2, _server.Received("/echo").Count);
        Assert.Equal(oldId, replay.GetProperty("replayOf").GetProperty("runId").GetString());
        Assert.Equal("shape", replay.GetProperty("replayOf").GetProperty("fromNode").GetString());
        Assert.Equal("Shape the report", replay.GetProperty("replayOf").GetProperty("fromNodeName").GetString());
        var nodes = replay.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("nodeId").GetString()!);
        Assert.Equal(oldId, nodes["notify"].GetProperty("reusedFrom").GetString());
        Assert.Equal(oldId, nodes["play"].GetProperty("reusedFrom").GetString());
        Assert.Equal(JsonValueKind.Null, nodes["shape"].GetProperty("reusedFrom").ValueKind);
        Assert.Equal(JsonValueKind.Null, nodes["send"].GetProperty("reusedFrom").ValueKind);
        Assert.Equal("api is true", replay.GetProperty("data").GetProperty("shape").GetProperty("line").GetString());
        var listed = Assert.Single(old.GetProperty("replays").EnumerateArray());
        Assert.Equal(newId, listed.GetProperty("runId").GetString());
        Assert.Equal("shape", listed.GetProperty("fromNode").GetString());
    }

    [Fact]
    public async Task Replay_WaitingRun_Is409()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "rp-waiting", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "ok", "type": "approval", "config": {"prompt": "Go?", "approvers": ["anyone"]}}],
             "edges": [{"from": "play", "to": "ok"}]}
            """);
        var runId = await _host.StartRunAsync("rp-waiting");
        await _host.WaitForRunAsync(runId, "waiting");

        using var response = await _host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/replay", """{"fromNode": "ok"}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("is waiting", (await HostFixture.ReadProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"fromNode": "small"}""", "never reached node 'small'")]
    [InlineData("""{"fromNode": "ghost"}""", "has no node 'ghost'")]
    [InlineData("""{}""", "fromNode must name the node")]
    public async Task Replay_NodeNotReachedUnknownOrMissing_Is400NamingFromNode(string body, string message)
    {
        var id = $"rp-bad-{body.Length}";
        await _host.CreateWorkflowAsync("""
            {"id": "ID", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "big", "type": "condition", "config": {"expression": "true"}},
              {"id": "small", "type": "tool", "config": {"tool": "transform", "value": 1}}],
             "edges": [{"from": "play", "to": "big"}, {"from": "big", "port": "false", "to": "small"}]}
            """.Replace("ID", id, StringComparison.Ordinal));
        var runId = await _host.StartRunAsync(id);
        await _host.WaitForRunAsync(runId);

        using var response = await _host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/replay", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        Assert.Contains(message, errors.GetProperty("fromNode")[0].GetString(), StringComparison.Ordinal);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_host.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
