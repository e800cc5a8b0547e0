using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Running;

/// <summary>Bounded outputs (README §Bounded outputs): select and ChatFlows:Runs:MaxOutputBytes.</summary>
public sealed partial class GraphRunnerTests
{
    private static readonly JsonElement Order = Json("""
        {"total": 2, "user": {"name": "ada", "email": "ada@example.com"},
         "items": [{"id": 1, "sku": "A-1", "notes": "long"}, {"id": 2, "sku": "B-2"}], "raw": "x"}
        """);

    [Fact]
    public async Task StartAsync_NodeWithSelect_StoresOnlyTheListedFieldsInDataAndTheRecord()
    {
        _probes.On("fetch", _ => NodeResult.Success(Order));
        var document = Workflows.Build(["""{"id": "fetch", "type": "tool", "config": {"tool": "probe", "select": ["total", "user.name", "items[*].id"]}}""", "after"], ["start->fetch", "fetch->after"]);
        string? seen = null;
        _probes.On("after", context =>
        {
            context.Scope.TryGetData("fetch", out var data);
            seen = data.GetRawText();
            return NodeResult.Success();
        });
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());

        const string Selected = """{"total":2,"user":{"name":"ada"},"items":[{"id":1},{"id":2}]}""";
        Assert.Equal(Selected, seen);
        Assert.Equal(Selected, run.Node("fetch").Output!.Value.GetRawText());
    }

    [Fact]
    public async Task StartAsync_SelectOfOneItemAndOfAPathTheOutputLacks_KeepsTheItemAndNothingElse()
    {
        _probes.On("fetch", _ => NodeResult.Success(Order));
        var document = Workflows.Build(["""{"id": "fetch", "type": "tool", "config": {"tool": "probe", "select": ["items[1].sku", "missing.field"]}}"""], ["start->fetch"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());

        Assert.Equal("""{"items":[{"sku":"B-2"}]}""", run.Node("fetch").Output!.Value.GetRawText());
    }

    [Fact]
    public void Validate_SelectWithBadPaths_NamesEachPath()
    {
        var document = Workflows.Build(
            ["""{"id": "fetch", "type": "tool", "config": {"tool": "probe", "select": ["total", "items[x].id", 3, "user."]}}""", """{"id": "other", "type": "tool", "config": {"tool": "probe", "select": "total"}}"""],
            ["start->fetch", "start->other"]);

        var problems = Engine().Validate(document);

        Assert.Equal(
            ["nodes/fetch/config/select/1", "nodes/fetch/config/select/2", "nodes/fetch/config/select/3", "nodes/other/config/select"],
            problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.Contains("[x]", problems.Single(p => p.Path == "nodes/fetch/config/select/1").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_OutputOverMaxOutputBytes_IsReplacedByATruncationMarkerWithAPreview()
    {
        var big = JsonSerializer.SerializeToElement(new { text = new string('a', 5000) });
        _probes.On("fetch", _ => NodeResult.Success(big));
        var document = Workflows.Build(["fetch", "small"], ["start->fetch", "fetch->small"]);
        var engine = new WorkflowEngine(_probes.Registry, _store, _time, maxOutputBytes: 1024);

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var output = run.Node("fetch").Output!.Value;
        Assert.True(output.GetProperty("truncated").GetBoolean());
        Assert.Equal(big.GetRawText().Length, output.GetProperty("bytes").GetInt32());
        Assert.StartsWith("{\"text\":\"aaaa", output.GetProperty("preview").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("…", output.GetProperty("preview").GetString(), StringComparison.Ordinal);
        Assert.True(output.GetRawText().Length < 1024);
        Assert.True(run.TryGetData("fetch", out var data) && data.GetProperty("truncated").GetBoolean());
        Assert.Equal("\"small\"", run.Node("small").Output!.Value.GetRawText());
    }

    [Fact]
    public async Task StartAsync_SelectBringsTheOutputUnderMaxOutputBytes_KeepsTheSelectedFields()
    {
        _probes.On("fetch", _ => NodeResult.Success(JsonSerializer.SerializeToElement(new { id = 7, text = new string('a', 5000) })));
        var document = Workflows.Build(["""{"id": "fetch", "type": "tool", "config": {"tool": "probe", "select": ["id"]}}"""], ["start->fetch"]);
        var engine = new WorkflowEngine(_probes.Registry, _store, _time, maxOutputBytes: 1024);

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());

        Assert.Equal("""{"id":7}""", run.Node("fetch").Output!.Value.GetRawText());
    }
}
