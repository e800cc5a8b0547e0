using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// The README's pictures of the editor, taken from a sample workflow at 1280×800: with a node selected, and with a
/// finished run on the canvas. They land in the test output's screenshots folder, or in <c>CHATFLOWS_SCREENSHOTS</c>
/// when that is set (e.g. to docs/ to refresh the committed copies).
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class EditorScreenshotTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task SampleWorkflow_EditorAndLiveRun_RenderForTheReadme()
    {
        var folder = Directory.CreateDirectory(Environment.GetEnvironmentVariable("CHATFLOWS_SCREENSHOTS") is { Length: > 0 } wanted
            ? wanted : Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/deploy-check");

        await EditorPage.Node(page, "budgetOk").ClickAsync();
        await Expect(page.GetByTestId("config-expression")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "editor.png") });

        await page.GetByTestId("play").ClickAsync();
        await page.GetByTestId("play-trigger").SelectOptionAsync("play");
        await page.GetByTestId("play-payload").FillAsync("""{"service": "api"}""");
        await page.GetByTestId("play-start").ClickAsync();
        await Expect(EditorPage.Node(page, "report")).ToHaveAttributeAsync("data-status", "succeeded");
        await EditorPage.Node(page, "health").ClickAsync();
        await Expect(page.GetByTestId("node-run-output")).ToContainTextAsync("healthy");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "live-run.png") });

        Assert.True(new FileInfo(Path.Combine(folder, "editor.png")).Length > 10_000);
        Assert.True(new FileInfo(Path.Combine(folder, "live-run.png")).Length > 10_000);
        browser.AssertNoErrors();
    }
}
