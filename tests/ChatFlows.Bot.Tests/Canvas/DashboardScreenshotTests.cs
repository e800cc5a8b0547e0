using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// The README's picture of the dashboard (docs/dashboard.png), 1280 px wide: a new host's samples, agents and
/// connections. It lands in the test output's screenshots folder, or in <c>CHATFLOWS_SCREENSHOTS</c> when that is set
/// (e.g. to docs/ to refresh the committed copy).
/// </summary>
public sealed class DashboardScreenshotTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly HostFixture _host = new();

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task NewHost_DashboardWithSamplesAgentsAndConnections_RendersForTheReadme()
    {
        var folder = Directory.CreateDirectory(Environment.GetEnvironmentVariable("CHATFLOWS_SCREENSHOTS") is { Length: > 0 } wanted
            ? wanted : Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        using var saved = await _host.Client.PutAsync("/api/connections/status-api", HostFixture.Json("""
            {"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "https://status.example.com/api/", "Headers": {"Authorization": "Bearer not-shown"}}}
            """));
        saved.EnsureSuccessStatusCode();
        await using var browser = await chromium.NewPageAsync(_host.BaseAddress);
        var page = browser.Page;
        await page.SetViewportSizeAsync(1280, 800);

        await browser.OpenCanvasAsync("/");
        await Expect(page.Locator("[data-testid=connection-row][data-id='status-api']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=connection-row][data-id='team-mail']")).ToBeVisibleAsync();
        await Expect(page.Locator("body")).Not.ToContainTextAsync("not-shown");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "dashboard.png"), FullPage = true });

        Assert.True(new FileInfo(Path.Combine(folder, "dashboard.png")).Length > 10_000);
        browser.AssertNoErrors();
    }
}
