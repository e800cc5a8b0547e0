using System.Text.Json;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>
/// <c>/run &lt;workflow&gt; key=value</c> against a manual trigger's input schema on the real host (README §Workflow inputs):
/// text turned into the schema's types, defaults filled in, and a reply naming each argument that does not fit.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WorkflowInputTests(HostFixture host)
{
    private const string Workflow = """
        {"id": "input-typed", "name": "Typed inputs", "version": 1, "nodes": [
          {"id": "play", "type": "trigger", "config": {"kind": "manual", "input": {"type": "object", "properties": {
            "service": {"type": "string", "description": "The service"},
            "count": {"type": "integer"},
            "region": {"type": "string", "default": "eu"}
          }, "required": ["service"]}}},
          {"id": "done", "type": "output", "config": {"kind": "end", "value": "{{ trigger.args }}"}}
        ], "edges": [{"from": "play", "to": "done"}]}
        """;

    [Fact]
    public async Task RunCommand_ArgumentsThatDoNotFit_ReplyNamesEachAndNothingStarts()
    {
        await host.CreateWorkflowAsync(Workflow);

        var reply = await host.ChatAsync("inputs", "ada", "/run input-typed count=many");

        Assert.Equal(
            "`input-typed` could not be started: service: required (The service); count: must be an integer, not 'many'",
            reply.GetProperty("text").GetString());
        Assert.True(!reply.TryGetProperty("runId", out var runId) || runId.ValueKind == JsonValueKind.Null, reply.ToString());
    }

    [Fact]
    public async Task RunCommand_TextArguments_RunGetsThemTypedWithDefaults()
    {
        await host.CreateWorkflowAsync(Workflow.Replace("input-typed", "input-typed-ok", StringComparison.Ordinal));

        var runId = (await host.ChatAsync("inputs", "ada", "/run input-typed-ok service=web count=3")).GetProperty("runId").GetString()!;
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var result = run.GetProperty("result");
        Assert.Equal("web", result.GetProperty("service").GetString());
        Assert.Equal(JsonValueKind.Number, result.GetProperty("count").ValueKind);
        Assert.Equal(3, result.GetProperty("count").GetInt32());
        Assert.Equal("eu", result.GetProperty("region").GetString());
    }
}
