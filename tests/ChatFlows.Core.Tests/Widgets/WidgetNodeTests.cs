using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests.Storage;
using ChatFlows.Core.Widgets;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Widgets;

/// <summary><c>output/widget</c> against a real SQLite store (README §Dashboard widgets).</summary>
public sealed class WidgetNodeTests : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly DatabaseWidgetStore _store;
    private readonly WorkflowEngine _engine;

    public WidgetNodeTests()
    {
        _store = new DatabaseWidgetStore(_database.Database);
        _engine = new WorkflowEngine(NodeRegistry.CreateDefault(new BuiltInNodeOptions { Widgets = _store }), new InMemoryRunStore(), _time);
    }

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData("number", "{{ trigger.count }}", """{"count": 42}""", "42")]
    [InlineData("number", "{{ trigger.text }}", """{"text": " 7.5 "}""", "7.5")]
    [InlineData("text", "Deploys: **{{ trigger.count }}**", """{"count": 3}""", "\"Deploys: **3**\"")]
    [InlineData("table", "{{ trigger.rows }}", """{"rows": [{"service": "web", "errors": 2}]}""", """[{"service":"web","errors":2}]""")]
    [InlineData("table", "{{ trigger.rows }}", """{"rows": {"columns": ["a"], "rows": [[1]]}}""", """{"columns":["a"],"rows":[[1]]}""")]
    [InlineData("list", "{{ trigger.items }}", """{"items": ["one", {"text": "two", "url": "https://example.com/2"}]}""", """["one",{"text":"two","url":"https://example.com/2"}]""")]
    [InlineData("series", "{{ trigger.ms }}", """{"ms": 120}""", "120")]
    public async Task RunAsync_EachType_SetsTheWidgetAndOutputsWhatWasSet(string type, string value, string trigger, string stored)
    {
        var run = await RunAsync(Node("board", type, value, title: "Board {{ trigger.count }}"), trigger);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var widget = (await _store.GetAsync("board"))!;
        Assert.Equal((type, stored, run.Id, "set"), (widget.Type, widget.Value.GetRawText(), widget.RunId, widget.NodeId));
        Assert.StartsWith("Board", widget.Title, StringComparison.Ordinal);
        var output = run.Node("set").Output!.Value;
        Assert.Equal(("board", stored, true), (output.GetProperty("widget").GetString(), output.GetProperty("value").GetRawText(), output.GetProperty("set").GetBoolean()));
    }

    [Fact]
    public async Task RunAsync_SeriesOfPoints_ReplacesTheSeriesAndShowsTheLatest()
    {
        var run = await RunAsync(Node("latency", "series", "{{ trigger.points }}"),
            """{"points": [{"at": "2026-03-01T08:01:00Z", "value": 90}, {"at": "2026-03-01T08:00:00Z", "value": 80}]}""");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var widget = (await _store.GetAsync("latency"))!;
        Assert.Equal([80.0, 90.0], widget.History.Select(p => p.Value.GetDouble()));
        Assert.Equal(90.0, widget.Value.GetDouble());
    }

    [Fact]
    public async Task RunAsync_SameRunExecutedAgain_DoesNotAddASecondSeriesPoint()
    {
        var node = Node("latency", "series", "{{ trigger.ms }}");
        var first = await RunAsync(node, """{"ms": 120}""", runId: "run-1");
        _time.Advance(TimeSpan.FromMinutes(1));

        // The same run's node executed again, as after a crash between setting the widget and journaling the node.
        var again = await RunAsync(node, """{"ms": 120}""", runId: "run-1");

        Assert.Equal((RunStatus.Succeeded, RunStatus.Succeeded), (first.Status, again.Status));
        var widget = (await _store.GetAsync("latency"))!;
        Assert.Equal([("run-1", 120.0)], widget.History.Select(p => (p.RunId, p.Value.GetDouble())));
    }

    [Theory]
    [InlineData("number", "{{ trigger.v }}", """{"v": "many"}""", "Widget 'board' is a number, but its value is the text \"many\"; make value a number")]
    [InlineData("number", "{{ trigger.v }}", """{}""", "Widget 'board' is a number, but its value is empty (null)")]
    [InlineData("text", "{{ trigger.v }}", """{"v": [1]}""", "Widget 'board' is text, but its value is an array of 1; make value a Markdown string.")]
    [InlineData("table", "{{ trigger.v }}", """{"v": [1, 2]}""", "Widget 'board' is a table, but row 0 of its value is the number 1")]
    [InlineData("list", "{{ trigger.v }}", """{"v": [{"text": "x", "url": "javascript:alert(1)"}]}""", "item 0 of its value is an object; make value an array of strings")]
    [InlineData("series", "{{ trigger.v }}", """{"v": [{"at": "yesterday", "value": 1}]}""", "Widget 'board' is a series, but point 0 of its value is an object")]
    public async Task RunAsync_ValueOfTheWrongShape_FailsTheRunWithASentenceAndSetsNothing(string type, string value, string trigger, string error)
    {
        var run = await RunAsync(Node("board", type, value), trigger);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains(error, run.Node("set").Error, StringComparison.Ordinal);
        Assert.Null(await _store.GetAsync("board"));
    }

    [Fact]
    public void Validate_BadNameTypeAndMissingValue_NamesEachField()
    {
        var node = new JsonObject { ["kind"] = "widget", ["widget"] = "Open Issues", ["type"] = "gauge" };

        var problems = _engine.Validate(Document(node));

        Assert.Equal(
            ["nodes/set/config/type", "nodes/set/config/value", "nodes/set/config/widget"],
            problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.Contains("lower-case letters, digits and dashes", problems.Single(p => p.Path.EndsWith("widget", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
        Assert.Contains("number, text, table, list, series", problems.Single(p => p.Path.EndsWith("type", StringComparison.Ordinal)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoStoreInThisProcess_FailsSayingWhere()
    {
        var engine = new WorkflowEngine(NodeRegistry.CreateDefault(), new InMemoryRunStore(), _time);

        var run = await engine.StartAsync(engine.Compile(Document(Node("board", "number", "1"))), new RunRequest());

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("run the workflow on the host", run.Node("set").Error, StringComparison.Ordinal);
    }

    private async Task<RunState> RunAsync(JsonObject node, string trigger, string? runId = null) =>
        await _engine.StartAsync(_engine.Compile(Document(node)), new RunRequest { Trigger = JsonElement.Parse(trigger), RunId = runId });

    private static JsonObject Node(string widget, string type, string value, string? title = null)
    {
        var config = new JsonObject { ["kind"] = "widget", ["widget"] = widget, ["type"] = type, ["value"] = value };
        if (title is not null) config["title"] = title;
        return config;
    }

    private static WorkflowDocument Document(JsonObject config) => WorkflowJson.Parse(new JsonObject
    {
        ["id"] = "widgets",
        ["version"] = 1,
        ["nodes"] = new JsonArray(
            new JsonObject { ["id"] = "start", ["type"] = "trigger", ["config"] = new JsonObject { ["kind"] = "manual" } },
            new JsonObject { ["id"] = "set", ["type"] = "output", ["config"] = config.DeepClone() }),
        ["edges"] = new JsonArray(new JsonObject { ["from"] = "start", ["to"] = "set" }),
    }.ToJsonString());
}
