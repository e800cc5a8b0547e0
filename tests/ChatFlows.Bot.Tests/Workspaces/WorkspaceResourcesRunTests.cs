using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChatFlows.Core.Tests.Http;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Bot.Tests.Workspaces;

/// <summary>
/// README §Workspaces and roles, through runs on the real host: a run reads only its own workflow's workspace's secrets,
/// connections, agents and widgets. Two teams with a secret and a connection of the same name each send their own
/// values; a name only another workspace has fails exactly as a name nobody has.
/// </summary>
public sealed class WorkspaceResourcesRunTests : IAsyncLifetime
{
    private const string A = "team-a";
    private const string B = "team-b";
    private const string TokenA = "tok-a-6c1f0e9d3b27";
    private const string TokenB = "tok-b-1a8e5d7c4f90";
    private const string KeyA = "key-a-3e9b7f1c5d42";
    private const string KeyB = "key-b-8d2c6a0f4e17";

    private readonly HostFixture _host = new(new Dictionary<string, string> { ["ChatFlows:Http:AllowedHosts:0"] = "127.0.0.1" });
    private HttpTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await HttpTestServer.StartAsync();
        await _host.InitializeAsync();
        await TestWorkspaces.EnsureAsync(_host.Services, A);
        await TestWorkspaces.EnsureAsync(_host.Services, B);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Runs_SameSecretAndConnectionNamesInTwoWorkspaces_EachSendsItsOwnValuesAndShowsThemRedacted()
    {
        _server.Map("/echo", (context, request) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { authorization = request.Header("Authorization"), key = request.Header("X-Api-Key") }));
        });
        foreach (var (workspace, token, key) in new[] { (A, TokenA, KeyA), (B, TokenB, KeyB) })
        {
            await PutAsync($"/api/w/{workspace}/secrets/RUN_TOKEN", $$"""{"value": "{{token}}"}""");
            await PutAsync($"/api/w/{workspace}/connections/echo-api", JsonSerializer.Serialize(new
            {
                type = "http",
                workflows = new[] { "*" },
                settings = new { BaseUrl = _server.Url("/"), Headers = new Dictionary<string, string> { ["X-Api-Key"] = key } },
            }));
            await CreateAsync(workspace, CallEcho($"echo-{workspace}", "RUN_TOKEN", throughConnection: true));
        }

        var runA = await RunAsync(A, $"echo-{A}");
        var runB = await RunAsync(B, $"echo-{B}");

        Assert.Equal(("succeeded", "succeeded"), (runA.GetProperty("status").GetString(), runB.GetProperty("status").GetString()));
        var received = _server.Received("/echo");
        Assert.Equal(2, received.Count);
        Assert.Equal(($"Bearer {TokenA}", KeyA), (received[0].Header("Authorization"), received[0].Header("X-Api-Key")));
        Assert.Equal(($"Bearer {TokenB}", KeyB), (received[1].Header("Authorization"), received[1].Header("X-Api-Key")));
        var output = Node(runB, "call").GetProperty("output");
        Assert.Equal(("Bearer [secret RUN_TOKEN]", "[secret echo-api.Headers:X-Api-Key]"), (output.GetProperty("authorization").GetString(), output.GetProperty("key").GetString()));
        foreach (var secret in new[] { TokenA, TokenB, KeyA, KeyB })
        {
            Assert.DoesNotContain(secret, runA.GetRawText() + runB.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_SecretOnlyAnotherWorkspaceHas_FailsAsIfItWereNotSetAndSetupListsIt()
    {
        await PutAsync($"/api/w/{A}/secrets/A_ONLY_TOKEN", """{"value": "only-a-5f3e1d9c"}""");
        await CreateAsync(B, CallEcho("b-borrows", "A_ONLY_TOKEN"));
        await CreateAsync(B, CallEcho("b-unknown", "NOBODY_TOKEN"));

        var borrowed = await RunAsync(B, "b-borrows");
        var unknown = await RunAsync(B, "b-unknown");
        var setup = await _host.GetJsonAsync($"/api/w/{B}/workflows/b-borrows/setup");

        Assert.Equal("failed", borrowed.GetProperty("status").GetString());
        Assert.Contains(
            "nodes/call/config/headers/Authorization: secret 'A_ONLY_TOKEN' is not set; add it with PUT /api/w/team-b/secrets/A_ONLY_TOKEN.",
            Node(borrowed, "call").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            Node(unknown, "call").GetProperty("error").GetString()!.Replace("NOBODY_TOKEN", "A_ONLY_TOKEN", StringComparison.Ordinal),
            Node(borrowed, "call").GetProperty("error").GetString());
        var need = Assert.Single(setup.GetProperty("items").EnumerateArray());
        Assert.Equal("nodes/call/config/headers/Authorization", need.GetProperty("path").GetString());
        Assert.Contains("Secret 'A_ONLY_TOKEN' is not set", need.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_server.Received("/echo"));
    }

    [Fact]
    public async Task Save_ConnectionOnlyAnotherWorkspaceHas_IsRefusedNamingTheFieldAsIfItDidNotExist()
    {
        await PutAsync($"/api/w/{A}/connections/a-only-api", """{"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "https://a.example.test/"}}""");
        var workflow = """
            {"id": "b-uses-a-api", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "call", "type": "tool", "config": {"tool": "http", "connection": "a-only-api", "url": "items"}}],
             "edges": [{"from": "play", "to": "call"}]}
            """;

        using var refused = await _host.SendAsync(HttpMethod.Post, $"/api/w/{B}/workflows", workflow);
        using var accepted = await _host.SendAsync(HttpMethod.Post, $"/api/w/{A}/workflows", workflow);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(refused);
        Assert.StartsWith("There is no connection 'a-only-api'", problem.GetProperty("errors").GetProperty("nodes/call/config/connection")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task Run_AgentOfAnotherWorkspace_FailsAsIfItDidNotExist()
    {
        using var agent = await _host.SendAsync(HttpMethod.Post, $"/api/w/{A}/agents", """{"id": "a-writer", "name": "A's writer", "instructions": "Write."}""");
        Assert.Equal(HttpStatusCode.Created, agent.StatusCode);
        await CreateAsync(B, """
            {"id": "b-asks-a-writer", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "ask", "type": "agent", "config": {"agent": "a-writer", "input": "Hello"}}],
             "edges": [{"from": "play", "to": "ask"}]}
            """);

        var run = await RunAsync(B, "b-asks-a-writer");
        var setup = await _host.GetJsonAsync($"/api/w/{B}/workflows/b-asks-a-writer/setup");

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("Agent 'a-writer' does not exist; create it with POST /api/w/team-b/agents.", Node(run, "ask").GetProperty("error").GetString(), StringComparison.Ordinal);
        var need = setup.GetProperty("items").EnumerateArray().Single(n => n.GetProperty("path").GetString() == "nodes/ask/config/agent");
        Assert.StartsWith("Agent 'a-writer' does not exist", need.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WidgetNameAnotherWorkspaceHas_FailsWithoutNamingItAndLeavesTheWidget()
    {
        await CreateAsync(A, Board("a-board", "team-open"));
        await CreateAsync(B, Board("b-board", "team-open"));

        var first = await RunAsync(A, "a-board", """{"count": 4}""");
        var second = await RunAsync(B, "b-board", """{"count": 99}""");

        Assert.Equal(("succeeded", "failed"), (first.GetProperty("status").GetString(), second.GetProperty("status").GetString()));
        var error = Node(second, "count").GetProperty("error").GetString()!;
        Assert.Contains("Widget name 'team-open' is taken; give this widget another name.", error, StringComparison.Ordinal);
        Assert.DoesNotContain(A, error, StringComparison.Ordinal);
        Assert.Equal(4, (await _host.GetJsonAsync($"/api/w/{A}/widgets/team-open")).GetProperty("value").GetInt32());
        Assert.Empty((await _host.GetJsonAsync($"/api/w/{B}/widgets")).GetProperty("items").EnumerateArray());
    }

    // A call of the echo server with the secret in a header: through the workspace's connection echo-api, or straight to its address.
    private string CallEcho(string id, string secret, bool throughConnection = false)
    {
        var target = throughConnection ? "\"connection\": \"echo-api\", \"url\": \"echo\"" : $"\"url\": \"{_server.Url("/echo")}\"";
        var reference = "{{ secrets." + secret + " }}";
        return $$$"""
            {"id": "{{{id}}}", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "call", "type": "tool", "config": {"tool": "http", {{{target}}}, "headers": {"Authorization": "Bearer {{{reference}}}"} } }],
             "edges": [{"from": "play", "to": "call"}]}
            """;
    }

    private static string Board(string id, string widget) => $$$"""
        {"id": "{{{id}}}", "nodes": [
          {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
          {"id": "count", "type": "output", "config": {"kind": "widget", "widget": "{{{widget}}}", "type": "number", "value": "{{ trigger.count }}"}}],
         "edges": [{"from": "play", "to": "count"}]}
        """;

    private static JsonElement Node(JsonElement run, string nodeId) => run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == nodeId);

    private async Task PutAsync(string path, string json)
    {
        using var response = await _host.SendAsync(HttpMethod.Put, path, json);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.NoContent, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task CreateAsync(string workspace, string json)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, $"/api/w/{workspace}/workflows", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonElement> RunAsync(string workspace, string workflowId, string payload = "{}")
    {
        using var started = await _host.SendAsync(HttpMethod.Post, $"/api/w/{workspace}/workflows/{workflowId}/runs", payload);
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"{(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        var runId = (await HostFixture.ReadJsonAsync(started)).GetProperty("runId").GetString()!;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await _host.GetJsonAsync($"/api/w/{workspace}/runs/{runId}");
            if (run.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled") return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Run {runId} is still {run.GetProperty("status").GetString()}.");
            await Task.Delay(50);
        }
    }
}
