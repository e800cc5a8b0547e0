using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// The README's picture of a run's page (docs/run-detail.png), 1280×800: a finished run of the deploy-check sample
/// with its facts and timeline (steps by name), one step opened. It lands in the test output's screenshots folder, or
/// in <c>CHATFLOWS_SCREENSHOTS</c> when that is set (e.g. to docs/ to refresh the committed copy).
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class RunPageScreenshotTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task DeployCheckRun_PageWithAStepOpen_RendersForTheReadme()
    {
        var folder = Directory.CreateDirectory(Environment.GetEnvironmentVariable("CHATFLOWS_SCREENSHOTS") is { Length: > 0 } wanted
            ? wanted : Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        var runId = await host.StartRunAsync("deploy-check", """{"service": "api"}""");
        await host.WaitForRunAsync(runId);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await page.SetViewportSizeAsync(1280, 800);

        await browser.OpenCanvasAsync($"/runs/{runId}");
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        var health = page.Locator("[data-testid=timeline-node][data-id='health']");
        // The timeline reads by the steps' names; the id is in the opened step's detail.
        await Expect(health.Locator("summary")).ToContainTextAsync("Check health");
        await health.Locator("summary").ClickAsync();
        await Expect(health).ToContainTextAsync("healthy");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "run-detail.png") });

        Assert.True(new FileInfo(Path.Combine(folder, "run-detail.png")).Length > 10_000);
        browser.AssertNoErrors();
    }
}
