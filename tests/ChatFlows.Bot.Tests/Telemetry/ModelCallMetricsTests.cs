using System.Diagnostics;
using System.Net;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// README §Telemetry: an agent's model calls report the GenAI metrics of Microsoft.Extensions.AI,
/// <c>gen_ai.client.token.usage</c> and <c>gen_ai.client.operation.duration</c>, on the real host.
/// </summary>
public sealed class ModelCallMetricsTests(TracingHost traced) : IClassFixture<TracingHost>
{
    private const string TokenUsage = "gen_ai.client.token.usage";
    private const string OperationDuration = "gen_ai.client.operation.duration";

    [Fact]
    public async Task AgentNode_ModelCall_ReportsItsInputAndOutputTokens()
    {
        using var measurements = new ModelCallMeasurements();
        traced.Model.Reply = _ => ModelReply.Answer("It is Tuesday.", 1200, 80);
        await CreateAgentAsync("""{"id": "mm-clock", "name": "Clock", "instructions": "Tell the day."}""");

        var trace = await RunAsync("mm-clock");

        var tokens = measurements.InTrace(trace, TokenUsage);
        var input = Assert.Single(tokens, m => m.Tag("gen_ai.token.type") == "input");
        var output = Assert.Single(tokens, m => m.Tag("gen_ai.token.type") == "output");
        Assert.Equal((1200, 80), (input.Value, output.Value));
        Assert.Equal("{token}", input.Instrument.Unit);
        Assert.All(tokens, m => Assert.Equal(("chat", "fake-model", "fake-model", "openai"),
            (m.Tag("gen_ai.operation.name"), m.Tag("gen_ai.request.model"), m.Tag("gen_ai.response.model"), m.Tag("gen_ai.provider.name"))));
        var duration = Assert.Single(measurements.InTrace(trace, OperationDuration));
        Assert.Equal("s", duration.Instrument.Unit);
        Assert.Equal(("chat", "fake-model"), (duration.Tag("gen_ai.operation.name"), duration.Tag("gen_ai.request.model")));
    }

    [Fact]
    public async Task AgentNode_ToolCallThenAnswer_ReportsEachOfTheTwoModelCalls()
    {
        using var measurements = new ModelCallMeasurements();
        // The class's tests share the model server, so the reply goes by the conversation, not the request's number.
        traced.Model.Reply = request => request.Messages.Any(m => m.GetProperty("role").GetString() == "tool")
            ? ModelReply.Answer("It is Tuesday in Berlin.", 1200, 80)
            : ModelReply.ToolCalls(1000, 100, ("call_1", "current_time", """{"timeZone": "Europe/Berlin"}"""));
        await CreateAgentAsync("""{"id": "mm-berlin", "name": "Berlin clock", "instructions": "Tell the day in Berlin.", "tools": ["current_time"]}""");

        var trace = await RunAsync("mm-berlin");

        Assert.Equal(2, measurements.InTrace(trace, OperationDuration).Count);
        var tokens = measurements.InTrace(trace, TokenUsage);
        Assert.Equal([1000, 1200], tokens.Where(m => m.Tag("gen_ai.token.type") == "input").Select(m => m.Value).Order());
        Assert.Equal([80, 100], tokens.Where(m => m.Tag("gen_ai.token.type") == "output").Select(m => m.Value).Order());
    }

    private async Task CreateAgentAsync(string json)
    {
        using var created = await traced.Host.SendAsync(HttpMethod.Post, "/api/agents", json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    // Runs a workflow whose one agent node asks the agent; returns the run's trace, in which its model calls were measured.
    private async Task<ActivityTraceId> RunAsync(string agentId)
    {
        await traced.Host.CreateWorkflowAsync($$$"""
            {"id": "{{{agentId}}}-flow", "nodes": [
              {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "ask", "type": "agent", "config": {"agent": "{{{agentId}}}", "input": "Which day is it?"}}
            ], "edges": [{"from": "start", "to": "ask"}]}
            """);
        var runId = await traced.Host.StartRunAsync($"{agentId}-flow");
        Assert.Equal("succeeded", (await traced.Host.WaitForRunAsync(runId)).GetProperty("status").GetString());
        return Assert.Single(await traced.RunSpansAsync(runId)).TraceId;
    }
}
