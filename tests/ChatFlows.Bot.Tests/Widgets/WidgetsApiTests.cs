using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Widgets;

/// <summary>
/// Dashboard widgets over real HTTP (README §Dashboard widgets): runs of output/widget nodes set them, /api/widgets lists
/// them with their trend, points and the run that set them, shows one with its history, and deletes them.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WidgetsApiTests(HostFixture host)
{
    [Fact]
    public async Task Runs_SetEveryType_ListShowsValuesTrendPointsHtmlAndTheRun()
    {
        await host.CreateWorkflowAsync(Board("api-board", "api"));

        var first = await RunAsync("api-board", """{"count": 12, "ms": 80}""");
        var second = await RunAsync("api-board", """{"count": 9, "ms": 95}""");

        var items = (await host.GetJsonAsync("/api/widgets")).GetProperty("items").EnumerateArray()
            .Where(w => w.GetProperty("name").GetString()!.StartsWith("api-", StringComparison.Ordinal))
            .ToDictionary(w => w.GetProperty("name").GetString()!);
        Assert.Equal(["api-latency", "api-links", "api-note", "api-open", "api-table"], items.Keys.Order(StringComparer.Ordinal));
        var open = items["api-open"];
        Assert.Equal(("Open issues", "number", 9.0), (open.GetProperty("title").GetString(), open.GetProperty("type").GetString(), open.GetProperty("value").GetDouble()));
        Assert.Equal((12.0, -3.0), (open.GetProperty("trend").GetProperty("previous").GetDouble(), open.GetProperty("trend").GetProperty("delta").GetDouble()));
        Assert.Equal((second, $"/runs/{second}", "api-board"), (open.GetProperty("runId").GetString(), open.GetProperty("runUrl").GetString(), open.GetProperty("workflowId").GetString()));
        Assert.Equal([80.0, 95.0], items["api-latency"].GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
        Assert.Equal([first, second], items["api-latency"].GetProperty("points").EnumerateArray().Select(p => p.GetProperty("runId").GetString()));
        // Markdown is rendered, raw HTML is not, and a script link loses its address.
        var html = items["api-note"].GetProperty("html").GetString()!;
        Assert.Contains("<strong>9</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, items["api-table"].GetProperty("value").ValueKind);
        Assert.Equal("https://example.com/a", items["api-links"].GetProperty("value")[1].GetProperty("url").GetString());
    }

    [Fact]
    public async Task Get_OneWidget_HasItsHistoryAndTheRunThatSetIt()
    {
        await host.CreateWorkflowAsync(Board("hist-board", "hist"));
        var first = await RunAsync("hist-board", """{"count": 1, "ms": 10}""");
        var second = await RunAsync("hist-board", """{"count": 2, "ms": 20}""");

        var widget = await host.GetJsonAsync("/api/widgets/hist-open");

        Assert.Equal([1.0, 2.0], widget.GetProperty("history").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
        Assert.Equal([first, second], widget.GetProperty("history").EnumerateArray().Select(p => p.GetProperty("runId").GetString()));
        Assert.Equal(second, widget.GetProperty("runId").GetString());
        Assert.Equal("count", widget.GetProperty("nodeId").GetString());
    }

    [Fact]
    public async Task Delete_ExistingThenAgain_NoContentThenNotFound()
    {
        await host.CreateWorkflowAsync(Board("del-board", "del"));
        await RunAsync("del-board", """{"count": 1, "ms": 10}""");

        using var deleted = await host.SendAsync(HttpMethod.Delete, "/api/widgets/del-open");
        using var again = await host.SendAsync(HttpMethod.Delete, "/api/widgets/del-open");
        using var got = await host.Client.GetAsync("/api/widgets/del-open");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, got.StatusCode);
        Assert.Contains("There is no widget 'del-open'", (await HostFixture.ReadProblemAsync(got)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_NameThatIsNoWidgetName_BadRequestNamingTheField()
    {
        using var response = await host.Client.GetAsync("/api/widgets/Open_Issues");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        Assert.Contains("lower-case letters, digits and dashes", problem.GetProperty("errors").GetProperty("name")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_WidgetNodeWithBadNameTypeAndSelect_BadRequestWithEachPath()
    {
        var json = Board("bad-board", "bad").Replace("\"widget\": \"bad-open\"", "\"widget\": \"Bad Open\"", StringComparison.Ordinal)
            .Replace("\"type\": \"table\"", "\"type\": \"pie\"", StringComparison.Ordinal)
            .Replace("\"kind\": \"manual\"}", "\"kind\": \"manual\", \"select\": [\"ok\", \"items[\"]}", StringComparison.Ordinal);

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await HostFixture.ReadProblemAsync(response)).GetProperty("errors");
        var paths = errors.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("nodes/count/config/widget", paths);
        Assert.Contains("nodes/table/config/type", paths);
        Assert.Contains("nodes/play/config/select/1", paths);
    }

    [Fact]
    public async Task Run_ValueOfTheWrongType_FailsTheRunWithASentence()
    {
        await host.CreateWorkflowAsync(Board("wrong-board", "wrong"));

        var runId = await host.StartRunAsync("wrong-board", """{"count": "lots", "ms": 10}""");
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("Widget 'wrong-open' is a number, but its value is the text \"lots\"", run.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private async Task<string> RunAsync(string workflowId, string payload)
    {
        var runId = await host.StartRunAsync(workflowId, payload);
        var run = await host.WaitForRunAsync(runId);
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        return runId;
    }

    // A chain, so the widgets are set one after the other and a failure stops the rest.
    private static string Board(string id, string prefix) => $$$"""
        {
          "id": "{{{id}}}", "version": 1,
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "count", "type": "output", "config": {"kind": "widget", "widget": "{{{prefix}}}-open", "title": "Open issues", "type": "number", "value": "{{ trigger.count }}"}},
            {"id": "latency", "type": "output", "config": {"kind": "widget", "widget": "{{{prefix}}}-latency", "type": "series", "value": "{{ trigger.ms }}"}},
            {"id": "note", "type": "output", "config": {"kind": "widget", "widget": "{{{prefix}}}-note", "type": "text", "value": "Open: **{{ trigger.count }}** <script>alert(1)</script> [x](javascript:alert(1))"}},
            {"id": "table", "type": "output", "config": {"kind": "widget", "widget": "{{{prefix}}}-table", "type": "table", "value": [{"service": "web", "open": "{{ trigger.count }}"}]}},
            {"id": "links", "type": "output", "config": {"kind": "widget", "widget": "{{{prefix}}}-links", "type": "list", "value": ["first", {"text": "second", "url": "https://example.com/a"}]}}
          ],
          "edges": [
            {"from": "play", "to": "count"}, {"from": "count", "to": "latency"}, {"from": "latency", "to": "note"},
            {"from": "note", "to": "table"}, {"from": "table", "to": "links"}
          ]
        }
        """;
}
