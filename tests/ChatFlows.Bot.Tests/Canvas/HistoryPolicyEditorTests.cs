using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>A workflow's history policy (docs/semantics.md §History policies) in real Chromium: set in the editor, saved, and said on the runs page and the dashboard.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class HistoryPolicyEditorTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Editor_ChooseFailuresOnly_SavesTheHistoryAndTheRunsPageSaysSo()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("editor-history"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/editor-history");
        var history = page.GetByTestId("workflow-history-policy");
        await Expect(history).ToHaveValueAsync("all");

        await history.SelectOptionAsync("errors");

        await Expect(page.GetByTestId("workflow-history-hint")).ToContainTextAsync("a run that succeeds is not kept");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 2");
        Assert.Equal("errors", (await host.GetJsonAsync("/api/workflows/editor-history")).GetProperty("history").GetString());
        await page.ReloadAsync();
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(page.GetByTestId("workflow-history-policy")).ToHaveValueAsync("errors");

        await browser.OpenCanvasAsync("/runs?workflow=editor-history");
        await Expect(page.GetByTestId("runs-history-note")).ToHaveTextAsync("History: errors only — successful runs are not kept.");
        await browser.OpenCanvasAsync("/");
        await Expect(page.Locator("[data-testid=workflow-row][data-id='editor-history'] [data-testid=workflow-history-note]"))
            .ToHaveTextAsync("History: errors only — successful runs are not kept.");
        EditorPage.AssertNoErrors(browser, expectedStatus: 0);
    }
}
