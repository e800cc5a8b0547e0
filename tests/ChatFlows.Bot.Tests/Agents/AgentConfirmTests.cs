using System.Text.Json;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Bot.Tests.Agents;

/// <summary>
/// An agent whose tool waits for a person's approval, in the real host against a local model server: the approval shows
/// the tool and its arguments, approve makes the call, reject tells the model, and a restart in between loses nothing.
/// </summary>
public sealed class AgentConfirmTests : IAsyncLifetime
{
    private const string Workflow = """
        {
          "id": "which-day",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "ask", "type": "agent", "config": {"agent": "clock", "input": "Which day is it in {{ trigger.city }}?"}}
          ],
          "edges": [{"from": "play", "to": "ask"}]
        }
        """;

    private ModelHost _host = null!;

    public async Task InitializeAsync() => _host = await ModelHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Decide_ConfirmedToolApproved_ToolRunsOnceAndTheModelGetsItsResult()
    {
        var runId = await StartWaitingAsync();

        var waiting = await _host.WaitForRunAsync(runId, "waiting");
        var request = Node(waiting).GetProperty("output");
        Assert.Equal("Agent Clock (clock) wants to call current_time with:\ntimeZone: Europe/Berlin", request.GetProperty("prompt").GetString());
        Assert.Equal(["local"], request.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        Assert.Single(_host.Model.Requests);

        await _host.PostAsync($"/api/runs/{runId}/decisions", """{"decision": "approve"}""");
        var run = await _host.WaitForRunAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("It is Tuesday.", run.GetProperty("data").GetProperty("ask").GetString());
        var step = Assert.Single(Node(run).GetProperty("steps").EnumerateArray());
        Assert.Equal("current_time", step.GetProperty("name").GetString());
        Assert.Equal("local", step.GetProperty("approvedBy").GetString());
        Assert.Equal("Europe/Berlin", step.GetProperty("result").GetProperty("timeZone").GetString());
        Assert.Equal(2, _host.Model.Requests.Count);
        var tool = _host.Model.Requests[1].Messages.Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Contains("Europe/Berlin", tool.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_ConfirmedToolRejected_ToolNeverRunsAndTheModelIsToldWhoRejectedItAndWhy()
    {
        var runId = await StartWaitingAsync();
        await _host.WaitForRunAsync(runId, "waiting");

        await _host.PostAsync($"/api/runs/{runId}/decisions", """{"decision": "reject", "comment": "not before the release"}""");
        var run = await _host.WaitForRunAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var step = Assert.Single(Node(run).GetProperty("steps").EnumerateArray());
        Assert.Equal("local rejected this call: not before the release", step.GetProperty("error").GetString());
        Assert.False(step.TryGetProperty("result", out var result) && result.ValueKind != JsonValueKind.Null);
        var tool = _host.Model.Requests[1].Messages.Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("local rejected this call: not before the release", tool.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Decide_HostRestartedWhileWaiting_NewHostContinuesTheSameConversation()
    {
        var runId = await StartWaitingAsync();
        await _host.WaitForRunAsync(runId, "waiting");

        _host = await _host.RestartAsync();
        await _host.PostAsync($"/api/runs/{runId}/decisions", """{"decision": "approve"}""");
        var run = await _host.WaitForRunAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("It is Tuesday.", run.GetProperty("data").GetProperty("ask").GetString());
        var messages = _host.Model.Requests[1].Messages;
        Assert.Equal(["system", "user", "assistant", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Which day is it in Berlin?", messages[1].GetProperty("content").GetString());
        var call = messages[2].GetProperty("tool_calls")[0];
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("Europe/Berlin", JsonElement.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).GetProperty("timeZone").GetString());
        var usage = Node(run).GetProperty("usage");
        Assert.Equal((1000L + 3000L, 100L + 400L), (usage.GetProperty("promptTokens").GetInt64(), usage.GetProperty("completionTokens").GetInt64()));
    }

    private async Task<string> StartWaitingAsync()
    {
        _host.Model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(1000, 100, ("call_1", "current_time", """{"timeZone": "Europe/Berlin"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("It is Tuesday.", 3000, 400));
        await _host.PostAsync("/api/agents", """
            {"id": "clock", "name": "Clock", "instructions": "Tell the day.", "tools": ["current_time"], "confirm": ["current_time"]}
            """);
        await _host.PostAsync("/api/workflows", Workflow);
        var started = await _host.PostAsync("/api/workflows/which-day/runs", """{"city": "Berlin"}""");
        return started.GetProperty("runId").GetString()!;
    }

    private static JsonElement Node(JsonElement run) =>
        run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ask");
}
