using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>A node's name in the editor (README §Node names): edited in the inspector, drawn on the canvas, saved.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class NodeNameEditorTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Inspector_EditName_CanvasLabelShowsItAndSaveKeepsIt()
    {
        await host.CreateWorkflowAsync("""
            {"id": "editor-names", "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "shape", "type": "tool", "config": {"tool": "transform", "value": 1}},
              {"id": "done", "name": "All done", "type": "output", "config": {"kind": "end"}}],
             "edges": [{"from": "go", "to": "shape"}, {"from": "shape", "to": "done"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/editor-names");
        await Expect(EditorPage.Node(page, "done").GetByTestId("node-title")).ToHaveTextAsync("All done");
        await Expect(EditorPage.Node(page, "shape").GetByTestId("node-title")).ToHaveTextAsync("shape");

        await EditorPage.Node(page, "shape").ClickAsync();
        var name = page.GetByTestId("node-name");
        await name.FillAsync(new string('x', 81));
        await name.PressAsync("Tab");
        await Expect(page.Locator("[data-testid=field][data-field='name'] [data-testid=field-error]")).ToContainTextAsync("at most 80");
        await Expect(EditorPage.Node(page, "shape").GetByTestId("node-title")).ToHaveTextAsync("shape");

        await name.FillAsync("  Shape the order  ");
        await name.PressAsync("Tab");

        await Expect(EditorPage.Node(page, "shape").GetByTestId("node-title")).ToHaveTextAsync("Shape the order");
        await Expect(page.GetByTestId("node-heading")).ToHaveTextAsync("Shape the order");
        await Expect(page.GetByTestId("node-id")).ToHaveValueAsync("shape");
        await Expect(page.Locator("[data-testid=field][data-field='name'] [data-testid=field-error]")).ToHaveCountAsync(0);
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 2");

        var nodes = (await host.GetJsonAsync("/api/workflows/editor-names")).GetProperty("nodes");
        Assert.Equal("Shape the order", nodes[1].GetProperty("name").GetString());
        Assert.Equal("All done", nodes[2].GetProperty("name").GetString());
        Assert.False(nodes[0].TryGetProperty("name", out _));

        await page.ReloadAsync();
        await Expect(EditorPage.Node(page, "shape").GetByTestId("node-title")).ToHaveTextAsync("Shape the order");
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }
}
