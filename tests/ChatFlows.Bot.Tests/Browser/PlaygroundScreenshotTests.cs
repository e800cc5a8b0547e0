using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Browser;

/// <summary>
/// The README's picture of the Playground (docs/playground.png), 1280 px wide: <c>/run standup-digest</c> with its
/// progress card (steps by name, plumbing folded, the waiting approval with its deadline) and the approval in the
/// thread. It lands in the test output's screenshots folder, or in <c>CHATFLOWS_SCREENSHOTS</c> when that is set
/// (e.g. to docs/ to refresh the committed copy).
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed partial class PlaygroundScreenshotTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task StandupDigest_WaitingForApproval_CardReadsAtAGlanceForTheReadme()
    {
        var folder = Directory.CreateDirectory(Environment.GetEnvironmentVariable("CHATFLOWS_SCREENSHOTS") is { Length: > 0 } wanted
            ? wanted : Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        using (var created = await host.SendAsync(HttpMethod.Post, "/playground/api/channels", JsonSerializer.Serialize(new { name = "standup" })))
        {
            Assert.True(created.IsSuccessStatusCode, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }
        await using var browser = await chromium.NewPageAsync(host.BaseAddress, name: "ada");
        var page = browser.Page;
        await page.SetViewportSizeAsync(1280, 900);
        await browser.OpenPlaygroundAsync("standup");

        await page.GetByTestId("composer-input").FillAsync("/run standup-digest");
        await page.GetByTestId("composer-input").PressAsync("Enter");

        var item = page.GetByTestId("message-list").GetByTestId("message-item").Filter(new() { Has = page.GetByTestId("message-card") }).Last;
        var card = item.GetByTestId("message-card");
        await Expect(card).ToContainTextAsync("Review the digest");
        await Expect(card).ToContainTextAsync(WaitingWithDeadline());
        await Expect(card).ToContainTextAsync("✓ 6 steps done · 1 skipped");
        await Expect(card).Not.ToContainTextAsync("collect");
        await Expect(card).Not.ToContainTextAsync("Collect updates");
        await item.GetByTestId("reply-count").ClickAsync();
        await Expect(page.GetByTestId("reply-item").First).ToContainTextAsync("Post this standup digest?");
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "playground.png") });

        Assert.True(new FileInfo(Path.Combine(folder, "playground.png")).Length > 10_000);
        browser.AssertNoErrors();
    }

    [GeneratedRegex(@"waiting for anyone to approve by \d{4}-\d\d-\d\d \d\d:\d\d UTC")]
    private static partial Regex WaitingWithDeadline();
}
