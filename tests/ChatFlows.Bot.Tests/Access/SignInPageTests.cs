using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Access;

/// <summary>A person on another machine opens a shared host in Chromium, signs in with the API key, and gets their page.</summary>
public sealed class SignInPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Key = "shared-host-key-for-the-browser";

    [Fact]
    public async Task OtherMachine_SignsInWithTheKey_AndLandsOnThePageItAskedFor()
    {
        await using var host = new AccessHost(Key);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress, name: "ada");
        await browser.Context.SetExtraHTTPHeadersAsync([new(RemoteAddressOverride.Header, RemoteAddressOverride.OtherMachine)]);
        var page = browser.Page;

        await page.GotoAsync("/playground");
        await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, "/signin?returnUrl=%2Fplayground").ToString());

        await page.GetByTestId("signin-key").FillAsync("a-guess-that-is-wrong");
        await page.GetByTestId("signin-submit").ClickAsync();
        await Expect(page.GetByTestId("signin-error")).ToContainTextAsync("not this host's API key");

        await page.GetByTestId("signin-key").FillAsync(Key);
        await page.GetByTestId("signin-submit").ClickAsync();
        await browser.WaitUntilReadyAsync();
        await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, "/playground#general").ToString());
        await Expect(page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-state", "live");
    }
}
