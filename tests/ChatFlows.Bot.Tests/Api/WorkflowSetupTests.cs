using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>
/// README §Workflows that need set-up: the workflow list says, per workflow, what must be set before it can run —
/// before anyone runs it — and the need goes away once it is set.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WorkflowSetupTests(HostFixture host)
{
    [Fact]
    public async Task List_SecretNotSet_NamesTheFieldUntilTheSecretIsPut()
    {
        await host.CreateWorkflowAsync("""
            {
              "id": "setup-secret",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "call", "type": "tool", "config": {"tool": "http", "url": "http://127.0.0.1:1/",
                                                          "headers": {"Authorization": "Bearer {{ secrets.SETUP_TOKEN }}"}}}
              ],
              "edges": [{"from": "play", "to": "call"}]
            }
            """);

        var need = Assert.Single(await SetupAsync("setup-secret"));
        Assert.Equal("nodes/call/config/headers/Authorization", need.GetProperty("path").GetString());
        Assert.Equal(
            "Secret 'SETUP_TOKEN' is not set; add it in the dashboard (Secrets), with PUT /api/secrets/SETUP_TOKEN or under the configuration key ChatFlows:Secrets:SETUP_TOKEN.",
            need.GetProperty("message").GetString());

        using var set = await host.SendAsync(HttpMethod.Put, "/api/secrets/SETUP_TOKEN", """{"value": "now-it-is-set"}""");
        Assert.Equal(HttpStatusCode.Created, set.StatusCode);

        Assert.Empty(await SetupAsync("setup-secret"));
        Assert.Empty((await host.GetJsonAsync("/api/workflows/setup-secret/setup")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task List_AgentMissingAndConnectionGone_NamesEachField()
    {
        // Stored as it was before its connection was removed: the list still shows it, with what it needs.
        await host.StoreUncheckedAsync("setup-gone", """
            {
              "id": "setup-gone",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ask", "type": "agent", "config": {"agent": "nobody-made-me", "input": "hello"}},
                {"id": "query", "type": "tool", "config": {"tool": "sql", "connection": "removed-db", "query": "select 1"}}
              ],
              "edges": [{"from": "play", "to": "ask"}, {"from": "ask", "to": "query"}]
            }
            """);

        var needs = await SetupAsync("setup-gone");
        Assert.Equal(["nodes/ask/config/agent", "nodes/query/config/connection"], needs.Select(n => n.GetProperty("path").GetString()));
        Assert.Equal("Agent 'nobody-made-me' does not exist; create it in the dashboard (Agents) or with POST /api/agents.", needs[0].GetProperty("message").GetString());
        Assert.StartsWith("There is no connection 'removed-db'; add a database connection", needs[1].GetProperty("message").GetString(), StringComparison.Ordinal);

        var one = await host.GetJsonAsync("/api/workflows/setup-gone/setup");
        Assert.Equal(2, one.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task GetSetup_UnknownWorkflow_Returns404()
    {
        using var response = await host.Client.GetAsync("/api/workflows/no-such-flow-here/setup");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<JsonElement[]> SetupAsync(string id)
    {
        var list = await host.GetJsonAsync("/api/workflows");
        var workflow = Assert.Single(list.GetProperty("items").EnumerateArray(), w => w.GetProperty("id").GetString() == id);
        return workflow.GetProperty("setup").EnumerateArray().ToArray();
    }
}
