using ChatFlows.Bot.Tests.Browser;
using ChatFlows.Bot.Tests.Canvas;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Widgets;

/// <summary>
/// The editor in real Chromium: an output/widget node shows its form from the node kind's fields, and every node's
/// common section edits its select (README §Bounded outputs), which is saved into the node's config.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WidgetEditorTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Inspector_WidgetNodeAndSelect_ShowsTheFormAndSavesTheSelect()
    {
        await host.CreateWorkflowAsync("""
            {"id": "editor-widget", "version": 1,
             "nodes": [
               {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
               {"id": "shape", "type": "tool", "config": {"tool": "transform", "value": {"total": 2, "items": [{"id": 1, "sku": "a"}]}}},
               {"id": "show", "type": "output", "config": {"kind": "widget", "widget": "editor-total", "type": "number", "value": "{{ data.shape.total }}"}}
             ],
             "edges": [{"from": "play", "to": "shape"}, {"from": "shape", "to": "show"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/editor-widget");

        await EditorPage.Node(page, "show").ClickAsync();
        await Expect(page.GetByTestId("config-widget")).ToHaveValueAsync("editor-total");
        await Expect(page.GetByTestId("config-type")).ToHaveValueAsync("number");

        await EditorPage.Node(page, "shape").ClickAsync();
        await page.Locator("[data-testid=node-common] summary").ClickAsync();
        await page.GetByTestId("config-select").FillAsync("total\nitems[*].id");
        await page.GetByTestId("save").ClickAsync();

        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 2");
        var stored = await host.GetJsonAsync("/api/workflows/editor-widget");
        var shape = stored.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == "shape");
        Assert.Equal(["total", "items[*].id"], shape.GetProperty("config").GetProperty("select").EnumerateArray().Select(p => p.GetString()));
        browser.AssertNoErrors();
    }
}
