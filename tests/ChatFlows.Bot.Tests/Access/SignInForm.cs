using System.Net;
using System.Text.RegularExpressions;

namespace ChatFlows.Bot.Tests.Access;

/// <summary>Fills in the sign-in form as a browser does: fetches the page for its antiforgery token and cookie, then posts.</summary>
internal static partial class SignInForm
{
    /// <summary>Posts the form from <c>/signin</c> with <paramref name="key"/>, carrying the page's token and cookie.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string key, string returnUrl)
    {
        using var page = await client.GetAsync("/signin");
        var html = await page.Content.ReadAsStringAsync();
        var field = TokenField().Match(html);
        Assert.True(field.Success, $"The sign-in page has no antiforgery field: {html}");
        var cookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)).Split(';')[0];

        using var request = new HttpRequestMessage(HttpMethod.Post, "/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["key"] = key,
                ["returnUrl"] = returnUrl,
                [field.Groups["name"].Value] = WebUtility.HtmlDecode(field.Groups["value"].Value),
            }),
            Headers = { { "Cookie", cookie } },
        };
        return await client.SendAsync(request);
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>__RequestVerificationToken)" value="(?<value>[^"]*)">""")]
    private static partial Regex TokenField();
}
