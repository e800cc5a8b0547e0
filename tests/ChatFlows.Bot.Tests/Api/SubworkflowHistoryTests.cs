namespace ChatFlows.Bot.Tests.Api;

/// <summary>A sub-workflow whose history keeps nothing (docs/semantics.md §History policies), through the real host's queue.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class SubworkflowHistoryTests(HostFixture host)
{
    [Fact]
    public async Task Subworkflow_ChildKeepsNoHistory_ParentGetsItsResultAndTheChildIsNotListed()
    {
        await host.CreateWorkflowAsync("""
            {
              "id": "sub-forgotten-child",
              "history": "none",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "double", "type": "tool", "config": {"tool": "transform", "value": "{{ trigger.n | times: 2 }}"}},
                {"id": "done", "type": "output", "config": {"kind": "end", "value": {"doubled": "{{ data.double }}"}}}
              ],
              "edges": [{"from": "play", "to": "double"}, {"from": "double", "to": "done"}]
            }
            """);
        await host.CreateWorkflowAsync("""
            {
              "id": "sub-keeping-parent",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "call", "type": "tool", "config": {"tool": "subworkflow", "workflow": "sub-forgotten-child", "input": {"n": "{{ trigger.n }}"}}},
                {"id": "after", "type": "tool", "config": {"tool": "transform", "value": "child said {{ data.call.doubled }}"}}
              ],
              "edges": [{"from": "play", "to": "call"}, {"from": "call", "to": "after"}]
            }
            """);

        var run = await host.WaitForRunAsync(await host.StartRunAsync("sub-keeping-parent", """{"n": 21}"""));

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("child said 42", run.GetProperty("data").GetProperty("after").GetString());
        Assert.Empty((await host.GetJsonAsync("/api/runs?workflow=sub-forgotten-child")).GetProperty("items").EnumerateArray());
    }
}
