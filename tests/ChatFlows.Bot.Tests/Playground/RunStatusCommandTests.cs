using System.Text.Json;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>
/// <c>/run status</c> through the Playground on the real host (README §Progress cards): steps by name, plumbing folded,
/// the result as text; <c>/run status &lt;run&gt; json</c> gives the JSON.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class RunStatusCommandTests(HostFixture host)
{
    private const string Workflow = """
        {"id": "status-named", "name": "Named status", "version": 1, "nodes": [
          {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "status-named"}},
          {"id": "shape", "name": "Shape the order", "type": "tool", "config": {"tool": "transform", "value": {"service": "api", "checks": [1, 2, 3]}}},
          {"id": "big", "name": "Big order?", "type": "condition", "config": {"expression": "true"}},
          {"id": "say", "name": "Tell the team", "type": "output", "config": {"kind": "message", "text": "Order shaped."}},
          {"id": "small", "name": "Small order", "type": "tool", "config": {"tool": "transform", "value": 1}},
          {"id": "done", "name": "Hand back", "type": "output", "config": {"kind": "end", "value": {"service": "{{ data.shape.service }}", "verdict": "go", "checks": "{{ data.shape.checks | size }}"}}}
        ], "edges": [
          {"from": "cmd", "to": "shape"}, {"from": "shape", "to": "big"}, {"from": "big", "port": "true", "to": "say"},
          {"from": "big", "port": "false", "to": "small"}, {"from": "say", "to": "done"}]}
        """;

    [Fact]
    public async Task StatusCommand_FinishedRun_ShowsNamesFoldsPlumbingAndTheResultAsText_JsonWhenAsked()
    {
        await host.CreateWorkflowAsync(Workflow);
        var runId = (await host.ChatAsync("status-named", "ada", "/run status-named")).GetProperty("runId").GetString()!;
        Assert.Equal("succeeded", (await host.WaitForRunAsync(runId)).GetProperty("status").GetString());

        var text = (await host.ChatAsync("status-named", "ada", $"/run status {runId}")).GetProperty("text").GetString()!;

        Assert.Contains("\n✓ 3 steps done · 1 skipped\n✓ Tell the team (output/message) succeeded", text, StringComparison.Ordinal);
        Assert.EndsWith("\nResult:\nservice: api\nverdict: go\nchecks: 3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Shape the order", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{", text, StringComparison.Ordinal);

        var json = (await host.ChatAsync("status-named", "ada", $"/run status {runId} json")).GetProperty("text").GetString()!;

        Assert.StartsWith($"Run `{runId}` as JSON:\n```\n", json, StringComparison.Ordinal);
        var body = JsonElement.Parse(json[(json.IndexOf("```\n", StringComparison.Ordinal) + 4)..json.LastIndexOf("\n```", StringComparison.Ordinal)]);
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal("go", body.GetProperty("result").GetProperty("verdict").GetString());
        Assert.Equal(3, body.GetProperty("outputs").GetProperty("shape").GetProperty("checks").GetArrayLength());
    }

    [Fact]
    public async Task StatusCommand_UnknownWordAfterTheRun_SaysHowToWriteIt()
    {
        var reply = (await host.ChatAsync("status-named", "ada", "/run status 0199abcd yaml")).GetProperty("text").GetString();

        Assert.StartsWith("Say which run: /run status <run id>, or /run status <run id> json for its JSON.", reply, StringComparison.Ordinal);
    }
}
