using System.Text.Json;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// The inspector's data picker, autocomplete, live preview and key/value rows, in real Chromium against the real host
/// with a real finished run.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class DataPickerEditorTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    /// <summary>start → check (transform) → gate (condition, false) → say (message, skipped in the run).</summary>
    private static string Checked(string id) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "check", "type": "tool", "config": {"tool": "transform", "value": {"status": "green", "count": 2, "items": [{"name": "web"}]}}},
            {"id": "gate", "type": "condition", "config": {"expression": "data.check.count > 5"}},
            {"id": "say", "type": "output", "config": {"kind": "message", "text": "Status:  today"}}
          ],
          "edges": [{"from": "start", "to": "check"}, {"from": "check", "to": "gate"}, {"from": "gate", "port": "true", "to": "say"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal);

    [Fact]
    public async Task Picker_ChoosingAPathOfTheLastRun_InsertsItAtTheCursorAndPreviewsTheRunsValue()
    {
        await host.CreateWorkflowAsync(Checked("picker-insert"));
        await host.WaitForRunAsync(await host.StartRunAsync("picker-insert"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/picker-insert");

        await EditorPage.Node(page, "say").ClickAsync();
        var text = page.GetByTestId("config-text");
        // The caret between the two spaces of "Status:  today".
        await text.ClickAsync();
        await text.PressAsync("End");
        for (var i = 0; i < " today".Length; i++) await text.PressAsync("ArrowLeft");
        var field = page.Locator("[data-testid=field][data-field='config/text']");
        await field.GetByTestId("insert-data").ClickAsync();
        var picker = field.GetByTestId("data-picker");
        await Expect(picker).ToContainTextAsync("Examples from the last run");
        // Downstream of nothing it reads: the node itself and nodes after it are not offered.
        await Expect(picker.Locator("[data-path='data.say']")).ToHaveCountAsync(0);
        await picker.GetByTestId("data-picker-search").FillAsync("status");
        var item = picker.Locator("[data-testid=data-picker-item][data-path='data.check.status']");
        await Expect(item).ToContainTextAsync("green");
        await item.ClickAsync();

        await Expect(text).ToHaveValueAsync("Status: {{ data.check.status }} today");
        await Expect(picker).ToHaveCountAsync(0);
        await Expect(field.GetByTestId("preview-value")).ToHaveTextAsync("Status: green today");
        var document = await EditorPage.DocumentAsync(page);
        Assert.Equal("Status: {{ data.check.status }} today", document!["nodes"]![3]!["config"]!["text"]!.GetValue<string>());

        // A template the sandbox refuses shows the message a run would give.
        await text.FillAsync("{{ data.check.status | }}");
        await Expect(field.GetByTestId("preview-error")).ToContainTextAsync("nodes/say/config/text: template does not parse");
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }

    [Fact]
    public async Task Autocomplete_InsideBracesAndInAnExpression_CompletesPathsWithTheKeyboard()
    {
        await host.CreateWorkflowAsync(Checked("picker-complete"));
        await host.WaitForRunAsync(await host.StartRunAsync("picker-complete"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/picker-complete");

        await EditorPage.Node(page, "say").ClickAsync();
        var text = page.GetByTestId("config-text");
        var field = page.Locator("[data-testid=field][data-field='config/text']");
        var suggestions = field.GetByTestId("autocomplete");
        await text.FillAsync("");
        await text.PressSequentiallyAsync("Items: {{ data.check.i");
        await Expect(suggestions.GetByTestId("autocomplete-item").First).ToHaveAttributeAsync("data-path", "data.check.items");
        await text.PressAsync("ArrowDown");
        await Expect(suggestions.Locator("li.active")).ToHaveAttributeAsync("data-path", "data.check.items.size");
        await text.PressAsync("Enter");
        await Expect(text).ToHaveValueAsync("Items: {{ data.check.items.size }}");
        await Expect(suggestions).ToBeHiddenAsync();
        await Expect(field.GetByTestId("preview-value")).ToHaveTextAsync("Items: 1");

        // Escape closes the list and leaves the text as typed.
        await text.PressSequentiallyAsync(" {{ tri");
        await Expect(suggestions).ToBeVisibleAsync();
        await text.PressAsync("Escape");
        await Expect(suggestions).ToBeHiddenAsync();
        await Expect(text).ToHaveValueAsync("Items: {{ data.check.items.size }} {{ tri");
        await Expect(EditorPage.Node(page, "say")).ToHaveAttributeAsync("data-selected", "true");

        // In a condition, paths complete without braces, and Tab takes the highlighted one.
        await EditorPage.Node(page, "gate").ClickAsync();
        var expression = page.GetByTestId("config-expression");
        var gate = page.Locator("[data-testid=field][data-field='config/expression']");
        await expression.FillAsync("");
        await expression.PressSequentiallyAsync("data.check.co");
        await Expect(gate.GetByTestId("autocomplete-item")).ToHaveCountAsync(1);
        await expression.PressAsync("Tab");
        await Expect(expression).ToHaveValueAsync("data.check.count");
        await Expect(expression).ToBeFocusedAsync();
        await expression.PressSequentiallyAsync(" > 1");
        await Expect(gate.GetByTestId("preview")).ToContainTextAsync("→ true");
        await Expect(gate.GetByTestId("preview-value")).ToHaveTextAsync("true");
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }

    [Fact]
    public async Task MapRows_HeadersAndQuery_RoundTripAndInvalidRowsAreMarkedAndNotSaved()
    {
        await host.CreateWorkflowAsync("""
            {"id": "picker-map", "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "call", "type": "tool", "config": {"tool": "http", "method": "GET", "url": "http://127.0.0.1:1/status",
                "headers": {"Accept": "application/json", "Authorization": "Bearer {{ secrets.TEST_HOOK }}"}, "query": {"page": 2, "q": "open"}}}],
             "edges": [{"from": "go", "to": "call"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/picker-map");

        await EditorPage.Node(page, "call").ClickAsync();
        var headers = page.GetByTestId("config-headers");
        var rows = headers.GetByTestId("map-row");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).GetByTestId("map-name")).ToHaveValueAsync("Accept");
        await Expect(rows.Nth(1).GetByTestId("map-value")).ToHaveValueAsync("Bearer {{ secrets.TEST_HOOK }}");
        // A credential's preview shows dots, never the secret.
        await Expect(rows.Nth(1).GetByTestId("preview-value")).ToHaveTextAsync("Bearer ••••");
        Assert.DoesNotContain(HostFixture.HookSecret, await page.ContentAsync(), StringComparison.Ordinal);

        await headers.GetByTestId("map-add").ClickAsync();
        await rows.Nth(2).GetByTestId("map-name").FillAsync("X-Run");
        await rows.Nth(2).GetByTestId("map-value").FillAsync("{{ run.id }}");
        await rows.Nth(2).GetByTestId("map-value").BlurAsync();
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 2");

        await page.ReloadAsync();
        await browser.WaitUntilCanvasReadyAsync();
        var stored = await host.GetJsonAsync("/api/workflows/picker-map");
        var config = stored.GetProperty("nodes")[1].GetProperty("config");
        Assert.Equal("""{"Accept":"application/json","Authorization":"Bearer {{ secrets.TEST_HOOK }}","X-Run":"{{ run.id }}"}""", config.GetProperty("headers").GetRawText());
        Assert.Equal("""{"page":2,"q":"open"}""", config.GetProperty("query").GetRawText());
        await EditorPage.Node(page, "call").ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Nth(2).GetByTestId("map-value")).ToHaveValueAsync("{{ run.id }}");
        await Expect(page.GetByTestId("config-query").GetByTestId("map-value").First).ToHaveValueAsync("2");

        // A duplicate name (headers ignore case) and a value without a name are marked at their rows and not kept.
        await rows.Nth(2).GetByTestId("map-name").FillAsync("accept");
        await rows.Nth(2).GetByTestId("map-name").BlurAsync();
        await Expect(rows.Nth(2).GetByTestId("map-row-error")).ToHaveTextAsync("'accept' is already set above; each name may appear once.");
        await headers.GetByTestId("map-add").ClickAsync();
        await rows.Nth(3).GetByTestId("map-value").FillAsync("orphan");
        await rows.Nth(3).GetByTestId("map-value").BlurAsync();
        await Expect(rows.Nth(3).GetByTestId("map-row-error")).ToHaveTextAsync("Give this header a name.");
        var edited = await EditorPage.DocumentAsync(page);
        Assert.Equal("""{"Accept":"application/json","Authorization":"Bearer {{ secrets.TEST_HOOK }}","X-Run":"{{ run.id }}"}""", edited!["nodes"]![1]!["config"]!["headers"]!.ToJsonString());
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }
}
