using System.Net;
using ChatFlows.Bot.Tests.Browser;

namespace ChatFlows.Bot.Tests.Access;

/// <summary>
/// README §Security, in a real browser: a page from another site that the operator opens posts a hidden form to the
/// host on this machine (no API key needed on loopback), and the host refuses it.
/// </summary>
public sealed class CrossSitePageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task OtherSitesPage_AutoSubmittedTextPlainForm_IsRefusedAndCreatesNothing()
    {
        await using var host = new AccessHost(apiKey: null);
        // localhost and 127.0.0.1 are different sites to the browser; the page is served by the browser's router.
        var attacker = new Uri($"http://localhost:{host.BaseAddress.Port + 1}/");
        await using var browser = await chromium.NewPageAsync(attacker);
        var page = browser.Page;
        await page.RouteAsync($"{attacker}**", route => route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = AttackPage(host.BaseAddress) }));

        var answer = page.WaitForResponseAsync(r => r.Url.EndsWith("/api/workflows", StringComparison.Ordinal));
        await page.GotoAsync(new Uri(attacker, "prize").ToString());
        var response = await answer;

        Assert.Equal((int)HttpStatusCode.Forbidden, response.Status);
        Assert.Contains($"The request comes from {attacker.GetLeftPart(UriPartial.Authority)}", await response.TextAsync(), StringComparison.Ordinal);
        using var client = host.Client(remote: null);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/workflows/browser-forged")).StatusCode);
    }

    // The classic text/plain trick: the form's one field is named with the JSON up to a string, and its value ends it.
    private static string AttackPage(Uri target)
    {
        var json = TestWorkflows.Order("browser-forged");
        var split = json.IndexOf("Order check", StringComparison.Ordinal) + "Order".Length;
        return $"""
            <!doctype html>
            <form method="post" enctype="text/plain" action="{new Uri(target, "/api/workflows")}">
              <input type="hidden" name="{WebUtility.HtmlEncode(json[..split])}" value="{WebUtility.HtmlEncode(json[split..])}">
            </form>
            <script>document.forms[0].submit();</script>
            """;
    }
}
