using System.Text.RegularExpressions;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>README §Templates: the gallery on "New workflow" in real Chromium against the real host, as a newcomer uses it.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class TemplateGalleryPageTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task NewWorkflow_PickTheUptimeCheckWithTheKeyboard_EditorShowsItsNodesAndChecklistAndSavingPutsItOnTheDashboard()
    {
        var templates = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "templates"), "*.json").Length;
        using (await host.SendAsync(HttpMethod.Delete, "/api/secrets/UPTIME_HOOK")) { }
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await page.GetByTestId("workflow-new").ClickAsync();
        await Expect(page.GetByTestId("template-card")).ToHaveCountAsync(templates);
        await Expect(page.GetByTestId("template-blank")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("editor")).ToBeHiddenAsync();
        await page.GetByTestId("gallery-category").SelectOptionAsync("webhooks");
        await Expect(page.Locator("[data-testid=template-item]:not([data-category=webhooks])")).ToHaveCountAsync(0);
        await page.GetByTestId("gallery-search").FillAsync("uptime");
        var card = page.GetByTestId("template-card");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card.GetByTestId("template-kind")).ToHaveTextAsync(["trigger/webhook", "tool/http", "condition", "output/message"]);
        await Expect(card.GetByTestId("template-need").First).ToContainTextAsync("secret: UPTIME_HOOK");
        // Search, category, the blank card, then the arrow keys move between cards.
        await page.GetByTestId("gallery-search").PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByTestId("template-blank")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(card).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        // The address first, then the editor's own readiness: a busy host may take a while to finish the page's load.
        await Expect(page).ToHaveURLAsync(new Regex("/workflows/new\\?template=uptime-check$"));
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(EditorPage.Nodes(page)).ToHaveCountAsync(5);
        await Expect(EditorPage.Node(page, "check")).ToContainTextAsync("Check the URL");
        await Expect(page.GetByTestId("edge")).ToHaveCountAsync(4);
        await Expect(page.GetByTestId("dirty")).ToBeVisibleAsync();
        var checklist = page.GetByTestId("setup-checklist");
        await Expect(checklist).ToContainTextAsync("Set-up checklist");
        await Expect(checklist.Locator("[data-testid=setup-item][data-name=UPTIME_HOOK]")).ToHaveAttributeAsync("data-status", "missing");
        await Expect(checklist.Locator("[data-testid=setup-item][data-name=UPTIME_HOOK]")).ToContainTextAsync("Where: Dashboard → Secrets");
        await Expect(checklist.Locator("[data-testid=setup-item][data-name='playground:ops']")).ToHaveAttributeAsync("data-status", "check");

        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("save-id")).ToHaveValueAsync("uptime-check");
        await page.GetByTestId("save-confirm").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 1");
        Assert.EndsWith("/workflows/uptime-check", page.Url, StringComparison.Ordinal);
        Assert.Equal(5, (await host.GetJsonAsync("/api/workflows/uptime-check")).GetProperty("nodes").GetArrayLength());

        await page.GetByTestId("nav-dashboard").ClickAsync();
        await Expect(page.GetByTestId("workflow-list")).ToContainTextAsync("Uptime check");
        browser.AssertNoErrors();
    }
}
