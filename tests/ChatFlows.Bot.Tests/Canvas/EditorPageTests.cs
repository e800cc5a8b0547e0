using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>The workflow editor (<c>/workflows/{id}</c>) in real Chromium against the real host, as a person uses it.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class EditorPageTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Build_DragFromPaletteConnectConfigureAndSave_ReloadsIdentical()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/new?blank");

        await EditorPage.DropAsync(page, "trigger", "manual", 130, 120);
        await EditorPage.DropAsync(page, "tool", "transform", 430, 120);
        await EditorPage.DropAsync(page, "condition", "", 130, 340);
        await EditorPage.DropAsync(page, "output", "end", 430, 340);
        await Expect(EditorPage.Nodes(page)).ToHaveCountAsync(4);

        await EditorPage.ConnectAsync(page, "manual", "out", "transform");
        await EditorPage.ConnectAsync(page, "transform", "out", "condition");
        await EditorPage.ConnectAsync(page, "condition", "true", "end");
        await Expect(page.Locator("[data-testid=edge][data-from=condition][data-port=true]")).ToHaveCountAsync(1);

        await EditorPage.Node(page, "transform").ClickAsync();
        await page.GetByTestId("config-value").FillAsync("""{"n": "{{ trigger.n | default: 2 }}"}""");
        await EditorPage.Node(page, "condition").ClickAsync();
        await page.GetByTestId("config-expression").FillAsync("Number(data.transform.n) > 1");
        await EditorPage.Node(page, "end").ClickAsync();
        await page.GetByTestId("config-value").FillAsync("""{"doubled": "{{ data.transform.n | times: 2 }}"}""");
        await page.Locator("[data-testid=node-common] summary").ClickAsync();
        await page.GetByTestId("node-output").FillAsync("result");
        await Expect(page.GetByTestId("dirty")).ToBeVisibleAsync();

        await page.GetByTestId("save").ClickAsync();
        await page.GetByTestId("save-id").FillAsync("editor-built");
        await page.GetByTestId("save-name").FillAsync("Built in the editor");
        await page.GetByTestId("save-confirm").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 1");
        Assert.EndsWith("/workflows/editor-built", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByTestId("dirty")).ToBeHiddenAsync();
        var before = await EditorPage.DocumentAsync(page);

        var stored = await host.GetJsonAsync("/api/workflows/editor-built");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored.GetRawText()), before), $"{stored}\n{before}");
        Assert.Equal(["manual", "transform", "condition", "end"], stored.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.Equal("Number(data.transform.n) > 1", stored.GetProperty("nodes")[2].GetProperty("config").GetProperty("expression").GetString());
        Assert.Equal("result", stored.GetProperty("nodes")[3].GetProperty("output").GetString());
        Assert.Equal(
            """[{"from":"manual","to":"transform"},{"from":"transform","to":"condition"},{"from":"condition","port":"true","to":"end"}]""",
            stored.GetProperty("edges").GetRawText());
        Assert.Equal(4, stored.GetProperty("layout").EnumerateObject().Count());

        await page.ReloadAsync();
        await browser.WaitUntilCanvasReadyAsync();

        var after = await EditorPage.DocumentAsync(page);
        Assert.True(JsonNode.DeepEquals(before, after), $"{before}\n{after}");
        await Expect(EditorPage.Nodes(page)).ToHaveCountAsync(4);
        await Expect(page.GetByTestId("edge")).ToHaveCountAsync(3);
        await EditorPage.Node(page, "condition").ClickAsync();
        await Expect(page.GetByTestId("config-expression")).ToHaveValueAsync("Number(data.transform.n) > 1");
        await Expect(page.GetByTestId("workflow-select")).ToHaveValueAsync("editor-built");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Save_InvalidField_ShowsTheErrorOnThatNodeAndField()
    {
        await host.CreateWorkflowAsync("""
            {"id": "editor-invalid", "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "fetch", "type": "tool", "config": {"tool": "http", "method": "GET", "url": "https://example.com/status", "x-note": "kept"}},
              {"id": "done", "type": "output", "config": {"kind": "end"}}],
             "edges": [{"from": "go", "to": "fetch"}, {"from": "fetch", "to": "done"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/editor-invalid");

        await EditorPage.Node(page, "fetch").ClickAsync();
        await page.GetByTestId("config-url").FillAsync("not a url");
        await page.GetByTestId("save").ClickAsync();

        await Expect(EditorPage.Node(page, "fetch")).ToHaveAttributeAsync("data-invalid", "true");
        await Expect(EditorPage.Node(page, "go")).ToHaveAttributeAsync("data-invalid", "false");
        await Expect(EditorPage.Node(page, "done")).ToHaveAttributeAsync("data-invalid", "false");
        await Expect(page.Locator("[data-testid=problem][data-path='nodes/fetch/config/url']")).ToBeVisibleAsync();
        var urlField = page.Locator("[data-testid=field][data-field='config/url']");
        await Expect(urlField.GetByTestId("field-error")).ToContainTextAsync("not an absolute http:// or https:// URL");
        await Expect(page.Locator("[data-testid=field][data-field='config/method'] [data-testid=field-error]")).ToHaveCountAsync(0);

        await page.GetByTestId("config-url").FillAsync("https://example.com/health");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 2");
        await Expect(EditorPage.Node(page, "fetch")).ToHaveAttributeAsync("data-invalid", "false");
        var saved = await host.GetJsonAsync("/api/workflows/editor-invalid");
        Assert.Equal("kept", saved.GetProperty("nodes")[1].GetProperty("config").GetProperty("x-note").GetString());
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }

    [Fact]
    public async Task Save_AfterSomeoneElseSaved_ShowsTheConflictAndReloadsTheirVersion()
    {
        await host.CreateWorkflowAsync("""
            {"id": "editor-conflict", "name": "Mine", "nodes": [{"id": "go", "type": "trigger", "config": {"kind": "manual"}}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/editor-conflict");

        using (var theirs = await host.SendAsync(HttpMethod.Put, "/api/workflows/editor-conflict",
            """{"id": "editor-conflict", "name": "Theirs", "nodes": [{"id": "go", "type": "trigger", "config": {"kind": "manual"}}]}""", "\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, theirs.StatusCode);
        }
        await page.GetByTestId("workflow-name").FillAsync("Also mine");
        await page.GetByTestId("save").ClickAsync();

        await Expect(page.GetByTestId("conflict-dialog")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("conflict-message")).ToContainTextAsync("Someone else saved version 2");
        await page.GetByTestId("conflict-reload").ClickAsync();
        await Expect(page.GetByTestId("conflict-dialog")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("workflow-version")).ToHaveTextAsync("version 2");
        await Expect(page.GetByTestId("workflow-name")).ToHaveValueAsync("Theirs");
        await Expect(page.GetByTestId("dirty")).ToBeHiddenAsync();
        EditorPage.AssertNoErrors(browser, expectedStatus: 409);
    }

    [Fact]
    public async Task Play_HighlightsTheNodesInOrderAndShowsTheirOutputs()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Order("editor-play", pause: "PT0.3S"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/editor-play");

        await page.GetByTestId("play").ClickAsync();
        await page.GetByTestId("play-payload").FillAsync("""{"customer": "ada", "quantity": 3, "price": 50}""");
        await page.GetByTestId("play-start").ClickAsync();

        await Expect(EditorPage.Node(page, "answer")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(EditorPage.Node(page, "stop")).ToHaveAttributeAsync("data-status", "skipped");
        await Expect(page.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "succeeded");
        var log = JsonElement.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.editorRunLog)"));
        var running = log.EnumerateArray().Where(e => e.GetProperty("status").GetString() == "running").Select(e => e.GetProperty("nodeId").GetString()).ToList();
        var succeeded = log.EnumerateArray().Where(e => e.GetProperty("status").GetString() == "succeeded").Select(e => e.GetProperty("nodeId").GetString()).ToList();
        Assert.Equal(["start", "shape", "pause", "big", "answer"], running);
        Assert.Equal(["start", "shape", "pause", "big", "answer"], succeeded);

        await EditorPage.Node(page, "shape").ClickAsync();
        var panel = page.GetByTestId("node-run-panel");
        await Expect(panel).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(panel.GetByTestId("node-run-output")).ToContainTextAsync("\"customer\": \"ada\"");
        await Expect(panel.GetByTestId("node-run-input")).ToContainTextAsync("\"quantity\": 3");
        var runId = new Uri(page.Url).Query.Split("run=")[1];
        await Expect(page.GetByTestId("run-link")).ToHaveAttributeAsync("href", $"/runs/{runId}");

        // The same run opened later shows its final states.
        await page.ReloadAsync();
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(EditorPage.Node(page, "answer")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(EditorPage.Node(page, "stop")).ToHaveAttributeAsync("data-status", "skipped");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Keyboard_AddConnectDeleteUndoRedo_WorksWithoutAMouse()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/new?blank");

        await page.Locator("[data-testid=palette-item][data-type=trigger][data-kind=schedule]").PressAsync("Enter");
        await Expect(page.GetByTestId("cron-next")).ToHaveCountAsync(3);
        await page.Locator("[data-testid=palette-item][data-type=tool][data-kind=delay]").PressAsync("Enter");
        await Expect(page.Locator("[data-testid=edge][data-from=schedule][data-to=delay]")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("node-form")).ToHaveAttributeAsync("data-node-id", "delay");

        await EditorPage.Node(page, "delay").FocusAsync();
        await page.Keyboard.PressAsync("Delete");
        await Expect(EditorPage.Nodes(page)).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("edge")).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Control+z");
        await Expect(EditorPage.Nodes(page)).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("edge")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("Control+Shift+z");
        await Expect(EditorPage.Nodes(page)).ToHaveCountAsync(1);

        await EditorPage.Node(page, "schedule").ClickAsync();
        await page.GetByTestId("config-cron").FillAsync("61 * * * *");
        await page.GetByTestId("config-cron").PressAsync("Enter");
        await page.GetByTestId("config-cron").BlurAsync();
        await Expect(page.GetByTestId("cron-preview-error")).ToContainTextAsync("61");
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }
}
