using System.Text.Json;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Bot.Tests.Agents;

/// <summary>An agent node in the real host, against a local model server: tool calls, tokens and cost in the run detail and events.</summary>
public sealed class AgentRunDetailTests : IAsyncLifetime
{
    private ModelHost _host = null!;

    public async Task InitializeAsync() => _host = await ModelHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Models_OneProfile_ListsItAsTheDefaultWithoutItsSettings()
    {
        var json = await _host.Client.GetStringAsync("/api/models");

        var model = Assert.Single(JsonElement.Parse(json).GetProperty("items").EnumerateArray());
        Assert.Equal("fake", model.GetProperty("name").GetString());
        Assert.Equal("openai-compatible", model.GetProperty("provider").GetString());
        Assert.Equal("fake-model", model.GetProperty("model").GetString());
        Assert.True(model.GetProperty("isDefault").GetBoolean());
        Assert.DoesNotContain(_host.Model.Endpoint, json, StringComparison.Ordinal);
        Assert.DoesNotContain("price", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AgentNode_ToolRoundThenAnswer_RunDetailShowsStepsUsageAndCost()
    {
        _host.Model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(1000, 100, ("call_9", "current_time", """{"timeZone": "Europe/Berlin"}"""))
            : FakeModelServer.AfterToolResult(request, "call_9", ModelReply.Answer("It is Tuesday.", 3000, 400));
        await PostAsync("/api/agents", """{"id": "clock", "name": "Clock", "instructions": "Tell the day.", "tools": ["current_time"]}""");
        await PostAsync("/api/workflows", """
            {
              "id": "which-day",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ask", "type": "agent", "config": {"agent": "clock", "input": "Which day is it in {{ trigger.city }}?"}}
              ],
              "edges": [{"from": "play", "to": "ask"}]
            }
            """);

        var started = await PostAsync("/api/workflows/which-day/runs", """{"city": "Berlin"}""");
        var runId = started.GetProperty("runId").GetString();
        JsonElement run;
        do
        {
            await Task.Delay(50);
            run = JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{runId}"));
        }
        while (run.GetProperty("status").GetString() is "queued" or "running");

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("It is Tuesday.", run.GetProperty("data").GetProperty("ask").GetString());
        var node = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ask");
        var step = Assert.Single(node.GetProperty("steps").EnumerateArray());
        Assert.Equal("current_time", step.GetProperty("name").GetString());
        Assert.Equal("Europe/Berlin", step.GetProperty("arguments").GetProperty("timeZone").GetString());
        Assert.Equal("Europe/Berlin", step.GetProperty("result").GetProperty("timeZone").GetString());
        Assert.True(step.GetProperty("durationMs").GetDouble() >= 0);
        var usage = node.GetProperty("usage");
        Assert.Equal(4000, usage.GetProperty("promptTokens").GetInt64());
        Assert.Equal(500, usage.GetProperty("completionTokens").GetInt64());
        // 4000 × 2.50 / 1M + 500 × 10 / 1M
        Assert.Equal(0.015m, usage.GetProperty("cost").GetDecimal());
        Assert.Equal(0.015m, run.GetProperty("usage").GetProperty("cost").GetDecimal());
        Assert.Equal(4500, run.GetProperty("usage").GetProperty("totalTokens").GetInt64());
    }

    private async Task<JsonElement> PostAsync(string path, string json)
    {
        using var response = await _host.Client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonElement.Parse(body);
    }
}
