using System.Net;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>README §Audit log in real Chromium against the real host: the Audit log page's filters, older entries and CSV export.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class AuditPageTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task AuditPage_FilteredByTargetAndAction_ListsTheEntriesPagesOlderOnesAndExportsTheSameAsCsv()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("audit-page"));
        for (var version = 1; version <= 55; version++)
        {
            using var saved = await host.SendAsync(HttpMethod.Put, "/api/workflows/audit-page", TestWorkflows.Echo("audit-page", $"v{version}"), $"\"{version}\"");
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }
        var runId = await host.StartRunAsync("audit-page");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;

        await browser.OpenCanvasAsync("/");
        await page.GetByTestId("nav-audit").ClickAsync();
        await browser.WaitUntilCanvasReadyAsync();
        await page.GetByTestId("audit-filter-target").FillAsync("audit-page");
        await page.GetByTestId("audit-apply").ClickAsync();

        var rows = page.GetByTestId("audit-row");
        await Expect(rows).ToHaveCountAsync(50);
        await Expect(rows.First.GetByTestId("audit-detail")).ToHaveTextAsync("saved version 56");
        await Expect(rows.First.GetByTestId("audit-actor")).ToHaveTextAsync("local");
        await Expect(rows.First.GetByTestId("audit-surface")).ToHaveTextAsync("canvas");
        await page.GetByTestId("audit-more").ClickAsync();
        await Expect(rows).ToHaveCountAsync(56);
        await Expect(rows.Last.GetByTestId("audit-detail")).ToHaveTextAsync("created version 1");
        await Expect(page.GetByTestId("audit-more")).ToBeHiddenAsync();
        Assert.EndsWith("/audit?target=audit-page", page.Url, StringComparison.Ordinal);

        // A run's start names the run: the action filter alone finds it.
        await page.GetByTestId("audit-filter-target").FillAsync(runId);
        await page.GetByTestId("audit-filter-action").SelectOptionAsync("run.");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.GetByTestId("audit-action")).ToHaveTextAsync("run.started");
        await Expect(rows.GetByTestId("audit-detail")).ToHaveTextAsync("workflow audit-page");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("audit-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,workspace,actor,surface,action,target,detail,address", lines[0]);
        Assert.Contains($",default,local,canvas,run.started,{runId},workflow audit-page,", Assert.Single(lines[1..]), StringComparison.Ordinal);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task AuditPage_BadDateRange_ShowsTheServersReasonNamingTheField()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;

        await browser.OpenCanvasAsync("/audit?from=2026-12-02&to=2026-12-01");

        await Expect(page.GetByTestId("audit-error")).ToContainTextAsync("to must be after from");
        await Expect(page.GetByTestId("audit-row")).ToHaveCountAsync(0);
    }
}
