using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// README §Logging: a host logging at Information writes nothing for a run that goes well, one Warning for a run that
/// fails, and every line written while a run executes carries its RunId and WorkflowId in a scope.
/// </summary>
public sealed class RunLogTests : IAsyncLifetime
{
    private const string Secret = "plain-secret";
    private readonly LogCollector _logs = new(LogLevel.Information);
    private readonly HostFixture _host;

    public RunLogTests()
    {
        _host = new HostFixture(
            new Dictionary<string, string> { ["ChatFlows:Samples:Seed"] = "false", ["ChatFlows:Runs:MaxOutputBytes"] = "1024" },
            _logs);
    }

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Webhook_RunThatSucceeds_WritesNoInformationLine()
    {
        await _host.CreateWorkflowAsync(TestWorkflows.RespondingHook("log-quiet", Secret, status: 200));
        var before = _logs.Entries.Count;

        using var response = await PostAsync("log-quiet", """{"orderId": "A-1", "quantity": 12, "packSize": 4}""");
        var runs = await _host.GetJsonAsync("/api/runs?workflow=log-quiet");
        await _host.WaitForRunAsync(runs.GetProperty("items")[0].GetProperty("id").GetString()!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var written = _logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Information).Select(e => e.Line).ToArray();
        Assert.True(written.Length == 0, "A run that went well wrote:\n" + string.Join('\n', written));
    }

    [Fact]
    public async Task Webhook_RunThatFails_WritesOneWarningInTheRunsScope()
    {
        await _host.CreateWorkflowAsync(TestWorkflows.RespondingHook("log-fails", Secret, status: 200));
        var before = _logs.Entries.Count;

        using var response = await PostAsync("log-fails", """{"orderId": "A-2", "quantity": 12}""");
        var runId = (await HostFixture.ReadProblemAsync(response)).GetProperty("runId").GetString()!;
        await _host.WaitForRunAsync(runId);

        var written = _logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Information).ToArray();
        var warning = Assert.Single(written);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"Run {runId} failed at packing", warning.Message, StringComparison.Ordinal);
        Assert.Equal(runId, warning.ScopeValue("RunId"));
        Assert.Equal("log-fails", warning.ScopeValue("WorkflowId"));
    }

    [Fact]
    public async Task Webhook_NodeOutputTooLarge_WarningCarriesTheRunsScope()
    {
        await _host.CreateWorkflowAsync("""
            {
              "id": "log-large",
              "nodes": [
                {"id": "hook", "type": "trigger", "config": {"kind": "webhook", "secret": "plain-secret"}},
                {"id": "copy", "type": "tool", "config": {"tool": "transform", "value": {"text": "{{ trigger.text }}"}}}
              ],
              "edges": [{"from": "hook", "to": "copy"}]
            }
            """);
        var before = _logs.Entries.Count;

        using var response = await PostAsync("log-large", $$"""{"text": "{{new string('x', 4000)}}"}""");
        var runId = (await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!;
        await _host.WaitForRunAsync(runId);

        var warning = Assert.Single(_logs.Entries.Skip(before), e => e.Message.Contains("the output of copy", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(runId, warning.ScopeValue("RunId"));
        Assert.Equal("log-large", warning.ScopeValue("WorkflowId"));
    }

    private async Task<HttpResponseMessage> PostAsync(string workflowId, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{workflowId}") { Content = HostFixture.Json(body) };
        request.Headers.Add("X-ChatFlows-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body))));
        return await _host.Client.SendAsync(request);
    }
}
