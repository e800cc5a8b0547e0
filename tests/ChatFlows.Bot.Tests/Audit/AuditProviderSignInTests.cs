using System.Net;
using System.Text.Json;
using ChatFlows.Bot.Tests.Browser;
using ChatFlows.Bot.Tests.SignIn;

namespace ChatFlows.Bot.Tests.Audit;

/// <summary>README §Audit log: sign-in with the OpenID Connect provider records the person, and a provider's error a failed sign-in.</summary>
public sealed class AuditProviderSignInTests(SignInFixture signIn, ChromiumFixture chromium) : IClassFixture<SignInFixture>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Provider_SignsThePersonIn_IsRecordedAsThemOnTheCanvas()
    {
        await using var browser = await chromium.NewPageAsync(signIn.Host.BaseAddress);
        var page = browser.Page;

        await page.GotoAsync("/playground");
        await page.GetByTestId("provider-signin").ClickAsync();
        await browser.WaitUntilReadyAsync();

        var entries = await EntriesAsync("signin");
        var entry = Assert.Single(entries, e => e.GetProperty("actor").GetString() == "email:ana@corp.example");
        Assert.Equal(("canvas", "oidc"), (entry.GetProperty("surface").GetString(), entry.GetProperty("target").GetString()));
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Provider_AnswersWithAnError_IsRecordedAsAFailedSignIn()
    {
        using var response = await signIn.Host.Client.GetAsync("/signin-oidc?error=access_denied&error_description=user+cancelled&state=forged");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var entry = Assert.Single(await EntriesAsync("signin.failed"));
        Assert.Equal(("anonymous", "oidc"), (entry.GetProperty("actor").GetString(), entry.GetProperty("target").GetString()));
        Assert.False(string.IsNullOrEmpty(entry.GetProperty("detail").GetString()));
    }

    private async Task<IReadOnlyList<JsonElement>> EntriesAsync(string action)
    {
        using var key = signIn.Host.KeyClient();
        using var response = await key.GetAsync($"/api/audit?action={action}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await HostFixture.ReadJsonAsync(response)).GetProperty("items").EnumerateArray().ToArray();
    }
}
