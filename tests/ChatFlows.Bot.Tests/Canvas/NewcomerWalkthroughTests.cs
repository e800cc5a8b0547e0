using System.Text.RegularExpressions;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// README §Walk-through, done in real Chromium against the real host as a person new to the product does it, following
/// only the UI: open the uptime-check template (webhook → HTTP check → condition → message), point its check at a URL,
/// test that node, put the status it returned into the message with the data picker, save, play, and replay the run
/// from its middle node. Each step's screenshot goes to the test output's screenshots folder, or to
/// <c>CHATFLOWS_SCREENSHOTS</c> when that is set (docs/ to refresh the README's copies).
/// </summary>
public sealed class NewcomerWalkthroughTests(NewcomerWalkthroughTests.Host fixture, ChromiumFixture chromium)
    : IClassFixture<NewcomerWalkthroughTests.Host>, IClassFixture<ChromiumFixture>
{
    private readonly HostFixture _host = fixture.Server;

    [Fact]
    public async Task Newcomer_UptimeTemplateToReplay_BuildsTestsPlaysAndReplaysFollowingOnlyTheUi()
    {
        var folder = Directory.CreateDirectory(Environment.GetEnvironmentVariable("CHATFLOWS_SCREENSHOTS") is { Length: > 0 } wanted
            ? wanted : Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        await using var browser = await chromium.NewPageAsync(_host.BaseAddress);
        var page = browser.Page;
        await page.SetViewportSizeAsync(1280, 800);
        // Testing the HTTP check asks first, because it really sends the request: the newcomer says yes.
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await browser.OpenCanvasAsync("/");

        // 1. New workflow → the gallery → the uptime check.
        await page.GetByTestId("workflow-new").ClickAsync();
        await page.GetByTestId("gallery-search").FillAsync("uptime");
        await Expect(page.GetByTestId("template-card")).ToHaveCountAsync(1);
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "newcomer-1-gallery.png") });
        await page.GetByTestId("template-card").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/workflows/new\\?template=uptime-check$"));
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(EditorPage.Nodes(page)).ToHaveCountAsync(5);
        await Expect(page.GetByTestId("setup-checklist").Locator("[data-testid=setup-item][data-name=UPTIME_HOOK]"))
            .ToHaveAttributeAsync("data-status", "ready");

        // 2. Its setting: the URL to check (this host's own health endpoint), then test that node on its own.
        await EditorPage.Node(page, "check").ClickAsync();
        var url = page.GetByTestId("config-url");
        await url.FillAsync($"{_host.BaseAddress}healthz");
        await url.PressAsync("Tab");
        await page.Locator("[data-testid=node-test] summary").ClickAsync();
        await page.GetByTestId("node-test-source").SelectOptionAsync("custom");
        await page.GetByTestId("node-test-run").ClickAsync();
        await Expect(page.GetByTestId("node-test-output")).ToContainTextAsync("\"status\": 200");
        await page.GetByTestId("node-test-pin").ClickAsync();
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "newcomer-2-test-node.png") });
        Assert.Empty((await _host.GetJsonAsync("/api/runs")).GetProperty("items").EnumerateArray());

        // 3. The message says the status the check returned, chosen with the data picker and previewed.
        await EditorPage.Node(page, "up").ClickAsync();
        var text = page.GetByTestId("config-text");
        await text.FillAsync("✅ Up: HTTP ");
        await text.PressAsync("End");
        var field = page.Locator("[data-testid=field][data-field='config/text']");
        await field.GetByTestId("insert-data").ClickAsync();
        var picker = field.GetByTestId("data-picker");
        await picker.GetByTestId("data-picker-search").FillAsync("status");
        await Expect(picker.Locator("[data-testid=data-picker-item][data-path='data.check.status']")).ToContainTextAsync("200");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "newcomer-3-picker.png") });
        await picker.Locator("[data-testid=data-picker-item][data-path='data.check.status']").ClickAsync();
        await Expect(text).ToHaveValueAsync("✅ Up: HTTP {{ data.check.status }}");
        await Expect(field.GetByTestId("preview-value")).ToHaveTextAsync("✅ Up: HTTP 200");

        // 4. Save under the template's id, and play: every node of the "up" path succeeds.
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("save-id")).ToHaveValueAsync("uptime-check");
        await page.GetByTestId("save-confirm").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 1");
        await page.GetByTestId("play").ClickAsync();
        await page.GetByTestId("play-payload").FillAsync("{}");
        await page.GetByTestId("play-start").ClickAsync();
        await Expect(EditorPage.Node(page, "up")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(EditorPage.Node(page, "down")).ToHaveAttributeAsync("data-status", "skipped");

        // 5. The run's page, and a replay from the middle node: the check is reused, the rest runs again.
        await page.GetByTestId("run-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/runs/[0-9a-f]+$"));
        await browser.WaitUntilCanvasReadyAsync();
        // As the newcomer sees it: the run has finished (the page follows it live until then).
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        var oldRun = page.Url.Split('/').Last();
        var middle = page.Locator("[data-testid=timeline-node][data-id=isUp]");
        await middle.Locator("summary").ClickAsync();
        await middle.GetByTestId("replay-from-here").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/runs/(?!" + oldRun + ")[0-9a-f]+$"), new() { Timeout = 30_000 });
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(page.GetByTestId("replay-of-link")).ToHaveAttributeAsync("href", $"/runs/{oldRun}");
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        await Expect(page.Locator("[data-testid=timeline-node][data-id=check] [data-testid=timeline-reused]")).ToContainTextAsync("reused from");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "newcomer-4-replay.png") });

        // What the team sees: the ops channel was told twice, once by the run and once by its replay.
        var posted = await _host.GetJsonAsync("/playground/api/channels/ops/messages");
        Assert.Equal(2, posted.EnumerateArray().Count(m => m.GetProperty("text").GetString() == "✅ Up: HTTP 200"));
        foreach (var name in new[] { "newcomer-1-gallery.png", "newcomer-2-test-node.png", "newcomer-3-picker.png", "newcomer-4-replay.png" })
        {
            Assert.True(new FileInfo(Path.Combine(folder, name)).Length > 10_000, name);
        }
        // The one refusal: testing the HTTP check answers 409 until the newcomer confirms it.
        EditorPage.AssertNoErrors(browser, expectedStatus: 409);
    }

    /// <summary>A host of its own: the HTTP check may reach this machine, and the template's webhook secret is set.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public HostFixture Server { get; } = new(new Dictionary<string, string>
        {
            ["ChatFlows:Samples:Seed"] = "false",
            ["ChatFlows:Http:AllowedHosts:0"] = "127.0.0.1",
            ["ChatFlows:Secrets:UPTIME_HOOK"] = "uptime-secret",
        });

        public Task InitializeAsync() => Server.InitializeAsync();

        public Task DisposeAsync() => Server.DisposeAsync();
    }
}
