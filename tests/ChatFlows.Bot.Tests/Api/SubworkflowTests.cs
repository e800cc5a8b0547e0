using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>tool/subworkflow over the durable queue: results, failures, waiting children and the depth limit.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class SubworkflowTests(HostFixture host)
{
    private const string Child = """
        {
          "id": "sub-child",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "double", "type": "tool", "config": {"tool": "transform", "value": "{{ trigger.n | times: 2 }}"}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": {"doubled": "{{ data.double }}"}}}
          ],
          "edges": [{"from": "play", "to": "double"}, {"from": "double", "to": "done"}]
        }
        """;

    private static string Parent(string id, string child, string input = """{"n": "{{ trigger.n }}"}""") => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "call", "type": "tool", "config": {"tool": "subworkflow", "workflow": "__CHILD__", "input": __INPUT__}},
            {"id": "after", "type": "tool", "config": {"tool": "transform", "value": "child said {{ data.call.doubled }}"}}
          ],
          "edges": [{"from": "play", "to": "call"}, {"from": "call", "to": "after"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__CHILD__", child, StringComparison.Ordinal).Replace("__INPUT__", input, StringComparison.Ordinal);

    [Fact]
    public async Task Subworkflow_ChildSucceeds_ParentGetsItsResult()
    {
        await host.CreateWorkflowAsync(Child);
        await host.CreateWorkflowAsync(Parent("sub-parent", "sub-child"));

        var run = await host.WaitForRunAsync(await host.StartRunAsync("sub-parent", """{"n": 21}"""));

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("child said 42", run.GetProperty("data").GetProperty("after").GetString());
        var call = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "call");
        var children = await host.GetJsonAsync("/api/runs?workflow=sub-child");
        var child = children.GetProperty("items").EnumerateArray().First();
        var detail = await host.GetJsonAsync($"/api/runs/{child.GetProperty("id").GetString()}");
        Assert.Equal(run.GetProperty("id").GetString(), detail.GetProperty("parentRunId").GetString());
        Assert.Equal("call", detail.GetProperty("parentNodeId").GetString());
        Assert.Equal(1, detail.GetProperty("depth").GetInt32());
        Assert.Equal("succeeded", call.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Subworkflow_ChildFails_ParentFailsNamingTheChildNode()
    {
        await host.CreateWorkflowAsync("""
            {
              "id": "sub-broken",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "boom", "type": "condition", "config": {"expression": "trigger.missing.field > 1"}}
              ],
              "edges": [{"from": "play", "to": "boom"}]
            }
            """);
        await host.CreateWorkflowAsync(Parent("sub-parent-of-broken", "sub-broken"));

        var run = await host.WaitForRunAsync(await host.StartRunAsync("sub-parent-of-broken", """{"n": 1}"""));

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Equal("call", run.GetProperty("error").GetProperty("nodeId").GetString());
        Assert.Contains("Sub-workflow 'sub-broken'", run.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("failed at 'boom'", run.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subworkflow_CallsItself_StopsAtTheDepthLimit()
    {
        await host.CreateWorkflowAsync(Parent("sub-recursive", "sub-recursive", input: "{}"));

        var run = await host.WaitForRunAsync(await host.StartRunAsync("sub-recursive"));

        Assert.Equal("failed", run.GetProperty("status").GetString());
        var message = run.GetProperty("error").GetProperty("message").GetString();
        // The innermost run reports the limit; every run above it fails because its child did.
        Assert.Contains("depth limit", message, StringComparison.Ordinal);
        Assert.Contains("(limit 8)", message, StringComparison.Ordinal);
        var runs = await host.GetJsonAsync("/api/runs?workflow=sub-recursive&limit=50");
        Assert.Equal(9, runs.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Subworkflow_ChildWaitsForApproval_ParentWaitsThenContinues()
    {
        await host.CreateWorkflowAsync("""
            {
              "id": "sub-approve-child",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ok", "type": "approval", "config": {"prompt": "Go?", "approvers": ["local"]}},
                {"id": "done", "type": "output", "config": {"kind": "end", "value": {"doubled": "approved"}}}
              ],
              "edges": [{"from": "play", "to": "ok"}, {"from": "ok", "port": "approved", "to": "done"}]
            }
            """);
        await host.CreateWorkflowAsync(Parent("sub-approve-parent", "sub-approve-child", input: "{}"));

        var parentId = await host.StartRunAsync("sub-approve-parent");
        var parent = await host.WaitForRunAsync(parentId, "waiting");
        var call = parent.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "call");
        var childId = call.GetProperty("output").GetProperty("runId").GetString()!;
        await host.WaitForRunAsync(childId, "waiting");

        using var decided = await host.SendAsync(HttpMethod.Post, $"/api/runs/{childId}/decisions", """{"decision": "approve"}""");
        Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        var done = await host.WaitForRunAsync(parentId);

        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal("child said approved", done.GetProperty("data").GetProperty("after").GetString());
    }

    [Fact]
    public async Task Subworkflow_UnknownWorkflow_FailsSayingSo()
    {
        await host.CreateWorkflowAsync(Parent("sub-parent-of-nothing", "no-such-child"));

        var run = await host.WaitForRunAsync(await host.StartRunAsync("sub-parent-of-nothing", """{"n": 1}"""));

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("Workflow 'no-such-child' does not exist", run.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, run.GetProperty("error").ValueKind);
    }
}
