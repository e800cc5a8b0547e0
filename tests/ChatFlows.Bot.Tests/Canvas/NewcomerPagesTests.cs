using System.Text.Json;
using ChatFlows.Bot.Tests.Browser;
using Dapper;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// The canvas pages and the Playground in real Chromium against the real host, as a newcomer meets them: workflows that
/// need set-up are marked before anyone runs them, times say their date when it is not today, and every page fits a
/// 1024 px wide window.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class NewcomerPagesTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Editor_WorkflowWithUnsetSecret_SaysWhatItNeedsAndSelectsTheNodeUntilTheSecretIsSet()
    {
        await host.CreateWorkflowAsync("""
            {
              "id": "editor-needs-secret",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "call", "name": "Call the API", "type": "tool", "config": {"tool": "http", "url": "http://127.0.0.1:1/",
                                                          "headers": {"Authorization": "Bearer {{ secrets.EDITOR_NEVER_SET }}"}}}
              ],
              "edges": [{"from": "play", "to": "call"}]
            }
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;

        await browser.OpenCanvasAsync("/workflows/editor-needs-secret");

        var needs = page.GetByTestId("setup-needs");
        await Expect(needs).ToContainTextAsync("Needs set-up before it can run (1)");
        await Expect(needs.GetByTestId("setup-need")).ToContainTextAsync("Secret 'EDITOR_NEVER_SET' is not set");
        await needs.GetByTestId("setup-need-node").ClickAsync();
        await Expect(page.GetByTestId("config-url")).ToHaveValueAsync("http://127.0.0.1:1/");

        // Set, and the next save says nothing is missing.
        using (var put = await host.SendAsync(HttpMethod.Put, "/api/secrets/EDITOR_NEVER_SET", """{"value": "t0ken"}""")) { Assert.True(put.IsSuccessStatusCode); }
        await page.GetByTestId("config-url").FillAsync("http://127.0.0.1:2/");
        await page.GetByTestId("config-url").PressAsync("Tab");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 2");
        await Expect(needs).ToHaveCountAsync(0);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Dashboard_WorkflowWithUnsetSecret_ShowsNeedsSetUpNamingTheSecret()
    {
        await host.CreateWorkflowAsync("""
            {
              "id": "dash-needs-secret",
              "name": "Needs a secret",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "call", "type": "tool", "config": {"tool": "http", "url": "http://127.0.0.1:1/",
                                                          "headers": {"Authorization": "Bearer {{ secrets.DASH_NEVER_SET }}"}}}
              ],
              "edges": [{"from": "play", "to": "call"}]
            }
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);

        await browser.OpenCanvasAsync("/");

        var row = browser.Page.Locator("[data-testid=workflow-row][data-id='dash-needs-secret']");
        var badge = row.GetByTestId("workflow-setup-badge");
        await Expect(badge).ToHaveTextAsync("Needs set-up (1)");
        await Expect(badge).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("DASH_NEVER_SET"));
        await badge.ClickAsync();
        var item = row.GetByTestId("workflow-setup-item");
        await Expect(item).ToBeVisibleAsync();
        await Expect(item).ToContainTextAsync("call/config/headers/Authorization");
        await Expect(item).ToContainTextAsync("Secret 'DASH_NEVER_SET' is not set; add it in the dashboard (Secrets), with PUT /api/secrets/DASH_NEVER_SET");
        // A workflow that needs nothing has no badge.
        await host.CreateWorkflowAsync(TestWorkflows.Echo("dash-needs-nothing"));
        await browser.Page.ReloadAsync();
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(browser.Page.Locator("[data-testid=workflow-row][data-id='dash-needs-nothing']")).ToBeVisibleAsync();
        await Expect(browser.Page.Locator("[data-testid=workflow-row][data-id='dash-needs-nothing'] [data-testid=workflow-setup-badge]")).ToHaveCountAsync(0);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Times_RunFromAnotherYear_ShowDateAndTodaysShowOnlyTheTime()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("dated-old"));
        await host.CreateWorkflowAsync(TestWorkflows.Echo("dated-today"));
        var old = await host.StartRunAsync("dated-old");
        await host.WaitForRunAsync(old, "succeeded");
        var today = await host.StartRunAsync("dated-today");
        await host.WaitForRunAsync(today, "succeeded");
        // The first run happened on 3 Dec 2024 at 14:02 in the browser's zone (UTC here, set below).
        var past = new DateTimeOffset(2024, 12, 3, 14, 2, 0, TimeSpan.Zero);
        await MoveRunAsync(old, past);
        await using var browser = await NewPageInUtcAsync();

        await browser.OpenCanvasAsync("/runs");
        var oldRow = browser.Page.Locator($"[data-testid=run-row][data-id='{old}'] time");
        var todayRow = browser.Page.Locator($"[data-testid=run-row][data-id='{today}'] time");
        await Expect(oldRow).ToHaveTextAsync("3 Dec 2024 14:02");
        await Expect(oldRow).ToHaveAttributeAsync("title", "2024-12-03T14:02:00.000Z");
        await Expect(todayRow).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d\d:\d\d$"));

        await browser.OpenCanvasAsync($"/runs/{old}");
        await Expect(browser.Page.GetByTestId("fact-started")).ToHaveTextAsync("3 Dec 2024 14:02");

        await browser.OpenCanvasAsync("/");
        await Expect(browser.Page.Locator("[data-testid=workflow-row][data-id='dated-old'] [data-testid=workflow-last-run] time")).ToHaveTextAsync("3 Dec 2024 14:02");
        await Expect(browser.Page.Locator("[data-testid=workflow-row][data-id='dated-today'] [data-testid=workflow-last-run] time"))
            .ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d\d:\d\d$"));
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Pages_At1024By768_NothingOverflowsTheWindowSideways()
    {
        var longName = "Quarterly revenue reconciliation across every regional subsidiary and all of their payment providers";
        var id = "wide-" + new string('x', 50);
        await host.CreateWorkflowAsync(TestWorkflows.Echo(id).Replace("\"id\": \"" + id + "\"", $"\"id\": \"{id}\", \"name\": \"{longName}\"", StringComparison.Ordinal));
        var runId = await host.StartRunAsync(id);
        await host.WaitForRunAsync(runId, "succeeded");
        // A workflow that keeps only its failures has a note under its last run on the dashboard.
        var failuresOnly = "wide-errors-" + new string('y', 40);
        await host.CreateWorkflowAsync(TestWorkflows.Echo(failuresOnly).Replace("\"id\": \"" + failuresOnly + "\"", $"\"id\": \"{failuresOnly}\", \"history\": \"errors\"", StringComparison.Ordinal));
        await host.ChatAsync("general", "ada-with-a-very-long-display-name-indeed", $"/run {id}");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress, "ada");
        await browser.Page.SetViewportSizeAsync(1024, 768);

        foreach (var page in new[] { "/", "/runs", $"/runs/{runId}" })
        {
            await browser.OpenCanvasAsync(page);
            await AssertFitsAsync(browser.Page, page);
        }
        await browser.OpenPlaygroundAsync();
        await AssertFitsAsync(browser.Page, "/playground");
    }

    // The page has no horizontal scrollbar; the message names what sticks out.
    private static async Task AssertFitsAsync(IPage page, string name)
    {
        var result = await page.EvaluateAsync<JsonElement>("""
            () => {
              const root = document.documentElement;
              const wide = [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1 && getComputedStyle(e).position !== "fixed")
                .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.dataset.testid ? `[${e.dataset.testid}]` : ""}.${e.className}: ${Math.round(e.getBoundingClientRect().right)}`);
              return { scroll: root.scrollWidth, client: root.clientWidth, wide };
            }
            """);
        var scroll = result.GetProperty("scroll").GetInt32();
        var client = result.GetProperty("client").GetInt32();
        Assert.True(scroll <= client, $"{name} is {scroll} px wide in a {client} px window: {string.Join("; ", result.GetProperty("wide").EnumerateArray())}");
    }

    private async Task<BrowserPage> NewPageInUtcAsync()
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            TimezoneId = "UTC",
            ViewportSize = new() { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(15_000);
        return new BrowserPage(context, await context.NewPageAsync());
    }

    private async Task MoveRunAsync(string runId, DateTimeOffset at)
    {
        const string MoveSql = "update runs set created_at = @At, started_at = @At, finished_at = @At + 1000 where id = @Id";
        await using var connection = await host.Database.OpenAsync();
        Assert.Equal(1, await connection.ExecuteAsync(MoveSql, new { At = at.ToUnixTimeMilliseconds(), Id = runId }));
    }
}
