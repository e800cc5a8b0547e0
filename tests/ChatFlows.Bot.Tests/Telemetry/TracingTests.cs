using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChatFlows.Core.Telemetry;
using ChatFlows.Core.Tests.Agents;
using Xunit.Abstractions;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>README §Telemetry: a run's trace on the real host, from the webhook that started it to the calls its nodes make.</summary>
public sealed class TracingTests(TracingHost traced, ITestOutputHelper output) : IClassFixture<TracingHost>
{
    [Fact]
    public async Task Webhook_WithTraceparent_RunAndItsHttpNodesRequestContinueTheCallersTrace()
    {
        traced.Server.Map("/healthz", 200, """{"ok": true}""");
        await traced.Host.CreateWorkflowAsync(TracingHost.TemplateWorkflow("uptime-check"));
        var caller = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();

        using var response = await traced.PostHookAsync(
            "uptime-check", JsonSerializer.Serialize(new { url = traced.Server.Url("/healthz") }), $"00-{caller}-{callerSpan}-01");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!;
        var run = await traced.Host.WaitForRunAsync(runId);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var root = Assert.Single(await traced.RunSpansAsync(runId));
        Assert.Equal(caller, root.TraceId);
        // The run API names the trace, to look the run up in a trace viewer.
        Assert.Equal(caller.ToHexString(), run.GetProperty("traceId").GetString());
        Assert.Equal(("uptime-check", "webhook", "hook"), (root.GetTagItem("chatflows.workflow.id"), root.GetTagItem("chatflows.trigger.kind"), root.GetTagItem("chatflows.trigger.node")));
        // The webhook request's server span, itself the caller's child, is the run's parent.
        var request = traced.Spans.InTrace(caller).Single(s => s.SpanId == root.ParentSpanId);
        Assert.Equal((ActivityKind.Server, callerSpan), (request.Kind, request.ParentSpanId));
        var check = traced.Spans.ChildrenOf(root).Single(s => s.DisplayName == "execute_node check");
        var sent = Assert.Single(traced.Server.Received("/healthz")).Header("traceparent");
        Assert.NotNull(sent);
        var parts = sent.Split('-');
        Assert.Equal(caller.ToHexString(), parts[1]);
        Assert.Contains(check.SpanId, AncestorsOf(ActivitySpanId.CreateFromString(parts[2]), caller));
        output.WriteLine(traced.Tree(caller));
    }

    [Fact]
    public async Task Subworkflow_ChildRun_IsInTheParentsTraceUnderTheCallingNode()
    {
        await traced.Host.CreateWorkflowAsync("""
            {"id": "tr-child", "nodes": [
              {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "double", "type": "tool", "config": {"tool": "transform", "value": {"n": "{{ trigger.n | times: 2 }}"}}}
            ], "edges": [{"from": "start", "to": "double"}]}
            """);
        await traced.Host.CreateWorkflowAsync("""
            {"id": "tr-parent", "nodes": [
              {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "call", "type": "tool", "config": {"tool": "subworkflow", "workflow": "tr-child", "input": {"n": 21}}}
            ], "edges": [{"from": "start", "to": "call"}]}
            """);

        var runId = await traced.Host.StartRunAsync("tr-parent");

        Assert.Equal("succeeded", (await traced.Host.WaitForRunAsync(runId)).GetProperty("status").GetString());
        var parent = await traced.RunSpansAsync(runId, 2);
        var child = traced.Spans.Snapshot().Single(s => s.OperationName == "invoke_workflow" && (s.GetTagItem("chatflows.run.parent_id") as string) == runId);
        var call = traced.Spans.ChildrenOf(parent[0]).Single(s => s.DisplayName == "execute_node call");
        Assert.Equal((parent[0].TraceId, call.SpanId), (child.TraceId, child.ParentSpanId));
        Assert.Equal(("waiting", "succeeded"), (parent[0].GetTagItem("chatflows.run.status"), parent[1].GetTagItem("chatflows.run.status")));
        Assert.Equal(parent[0].TraceId, parent[1].TraceId);
        output.WriteLine(traced.Tree(parent[0].TraceId));
    }

    [Fact]
    public async Task AgentNode_ModelCall_IsAGenAIChatSpanUnderTheNodeWithTokenUsage()
    {
        traced.Model.Reply = _ => ModelReply.Answer("It is Tuesday.", 1200, 80);
        using (var agent = await traced.Host.SendAsync(HttpMethod.Post, "/api/agents", """{"id": "tr-clock", "name": "Clock", "instructions": "Tell the day."}"""))
        {
            Assert.Equal(HttpStatusCode.Created, agent.StatusCode);
        }
        await traced.Host.CreateWorkflowAsync("""
            {"id": "tr-agent", "nodes": [
              {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "ask", "type": "agent", "config": {"agent": "tr-clock", "input": "Which day is it?"}}
            ], "edges": [{"from": "start", "to": "ask"}]}
            """);

        var runId = await traced.Host.StartRunAsync("tr-agent");

        Assert.Equal("succeeded", (await traced.Host.WaitForRunAsync(runId)).GetProperty("status").GetString());
        var root = Assert.Single(await traced.RunSpansAsync(runId));
        var ask = traced.Spans.ChildrenOf(root).Single(s => s.DisplayName == "execute_node ask");
        // One span per model call, Microsoft.Extensions.AI's, under the node's.
        var chat = Assert.Single(traced.Spans.InTrace(root.TraceId), s => s.DisplayName.StartsWith("chat ", StringComparison.Ordinal));
        Assert.Equal((ChatFlowsTelemetry.ModelCalls, ask.SpanId), (chat.Source.Name, chat.ParentSpanId));
        Assert.Equal("chat fake-model", chat.DisplayName);
        Assert.Equal(("chat", "fake-model"), (chat.GetTagItem("gen_ai.operation.name"), chat.GetTagItem("gen_ai.request.model")));
        Assert.Equal((1200, 80), (Convert.ToInt32(chat.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt32(chat.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture)));
        // Prompts and answers stay out of spans.
        Assert.DoesNotContain(chat.TagObjects, t => t.Value is string text && text.Contains("Tuesday", StringComparison.Ordinal));
        Assert.DoesNotContain(chat.Events.SelectMany(e => e.Tags), t => t.Value is string text && text.Contains("Tuesday", StringComparison.Ordinal));
        output.WriteLine(traced.Tree(root.TraceId));
    }

    // The span itself and the spans above it, up to the trace's root.
    private IEnumerable<ActivitySpanId> AncestorsOf(ActivitySpanId spanId, ActivityTraceId traceId)
    {
        var spans = traced.Spans.InTrace(traceId).ToDictionary(s => s.SpanId);
        for (var id = spanId; spans.TryGetValue(id, out var span); id = span.ParentSpanId) yield return id;
    }
}
