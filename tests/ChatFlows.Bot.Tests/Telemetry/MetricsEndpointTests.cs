using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using ChatFlows.Bot.Tests.Access;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// README §Telemetry: <c>GET /metrics</c> serves the Prometheus text format to this machine, and to other machines that
/// send the API key, like the API.
/// </summary>
public sealed class MetricsEndpointTests
{
    private const string Key = "metrics-scraper-key-0123456789";

    [Fact]
    public async Task GetMetrics_ThisMachineAfterARun_ServesTheRunCounterWithItsWorkflow()
    {
        await using var host = new AccessHost(Key);
        using var client = host.Client(remote: null);
        using var created = await client.PostAsync("/api/workflows", HostFixture.Json(TestWorkflows.RespondingHook("metered-hook", "plain-secret", status: 200)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        const string Body = """{"orderId": "A-1", "quantity": 12, "packSize": 4}""";
        using var hook = new HttpRequestMessage(HttpMethod.Post, "/hooks/metered-hook") { Content = HostFixture.Json(Body) };
        hook.Headers.Add("X-ChatFlows-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("plain-secret"u8, Encoding.UTF8.GetBytes(Body))));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(hook)).StatusCode);

        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE chatflows_runs_started_total counter", text, StringComparison.Ordinal);
        var line = Assert.Single(text.Split('\n'), l => l.StartsWith("chatflows_runs_started_total{", StringComparison.Ordinal) && l.Contains("chatflows_workflow_id=\"metered-hook\"", StringComparison.Ordinal));
        Assert.Contains("chatflows_trigger_kind=\"trigger/webhook\"", line, StringComparison.Ordinal);
        Assert.Equal("1", line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0]);
        Assert.Contains("chatflows_node_duration_seconds_bucket{", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetrics_AfterAnAgentRun_ServesTheModelCallsTokensAndDuration()
    {
        await using var model = await FakeModelServer.StartAsync();
        model.Reply = _ => ModelReply.Answer("It is Tuesday.", 1200, 80);
        var host = new HostFixture(new Dictionary<string, string>
        {
            ["ChatFlows:Models:fake:Provider"] = "openai-compatible",
            ["ChatFlows:Models:fake:Model"] = "metered-model",
            ["ChatFlows:Models:fake:Endpoint"] = model.Endpoint,
        });
        await host.InitializeAsync();
        try
        {
            using (var agent = await host.SendAsync(HttpMethod.Post, "/api/agents", """{"id": "metered-clock", "name": "Clock", "instructions": "Tell the day."}"""))
            {
                Assert.Equal(HttpStatusCode.Created, agent.StatusCode);
            }
            await host.CreateWorkflowAsync("""
                {"id": "metered-agent", "nodes": [
                  {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
                  {"id": "ask", "type": "agent", "config": {"agent": "metered-clock", "input": "Which day is it?"}}
                ], "edges": [{"from": "start", "to": "ask"}]}
                """);
            var runId = await host.StartRunAsync("metered-agent");
            Assert.Equal("succeeded", (await host.WaitForRunAsync(runId)).GetProperty("status").GetString());

            using var response = await host.SendAsync(HttpMethod.Get, "/metrics");
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n');

            // Other hosts in this process may call models too; this one's calls name its model.
            string ValueOf(string name, string label)
            {
                var line = Assert.Single(lines, l => l.StartsWith(name + "{", StringComparison.Ordinal)
                    && l.Contains("gen_ai_request_model=\"metered-model\"", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal));
                return line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            }
            Assert.Equal("1200", ValueOf("gen_ai_client_token_usage_sum", "gen_ai_token_type=\"input\""));
            Assert.Equal("80", ValueOf("gen_ai_client_token_usage_sum", "gen_ai_token_type=\"output\""));
            Assert.Equal("1", ValueOf("gen_ai_client_operation_duration_seconds_count", "gen_ai_operation_name=\"chat\""));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetMetrics_OtherMachine_NeedsTheApiKeyLikeTheApi()
    {
        await using var host = new AccessHost(Key);
        using var anonymous = host.Client();
        using var scraper = host.Client();
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var refused = await anonymous.GetAsync("/metrics");
        using var served = await scraper.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("ChatFlows:Access:ApiKey", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("chatflows_", await served.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetrics_UnderAWorkspacePrefix_IsNotFound()
    {
        await using var host = new AccessHost(Key);
        using var client = host.Client(remote: null);
        using var created = await client.PostAsync("/api/workspaces", HostFixture.Json("""{"id": "metrics-team", "name": "Metrics team"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var response = await client.GetAsync("/w/metrics-team/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("without a /w/{workspace} prefix", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
