using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Tests.Access;

/// <summary>
/// README §Security: beyond loopback the canvas, the Playground and the API need the API key; the endpoints that verify
/// their callers themselves (Slack, Teams, webhooks) and the health checks stay reachable.
/// </summary>
public sealed class AccessGateTests
{
    private const string Key = "correct-horse-battery-staple-42";

    [Fact]
    public async Task NoKey_ThisMachine_UsesEverything()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client(remote: null);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/workflows")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/playground")).StatusCode);
    }

    [Fact]
    public async Task NoKey_OtherMachine_IsRefusedWithTheSettingToSet()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client();

        foreach (var path in new[] { "/api/workflows", "/playground", "/", "/api/runs", "/api/node-kinds", "/api/templates", "/api/workflows/any/setup" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("ChatFlows:Access:ApiKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // Trying things out reads runs and may act: the picker, the preview, a node's test, workflow tests and replays.
        foreach (var path in new[] { "/api/workflows/paths", "/api/workflows/preview", "/api/workflows/any/nodes/any/test", "/api/workflows/any/tests", "/api/runs/any/replay" })
        {
            var response = await client.PostAsync(path, new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("ChatFlows:Access:ApiKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ProxyOnThisMachine_NamingAnotherCaller_IsTreatedAsThatCaller()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client(remote: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/workflows") { Headers = { { "X-Forwarded-For", "198.51.100.20" } } };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task OtherMachine_SelfVerifyingEndpoints_AreNotBehindTheGate()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        // Each answers for itself: an unsigned webhook or Slack request is refused by its own check, not by the gate.
        var hook = await client.PostAsync("/hooks/no-such-workflow", new StringContent("{}"));
        Assert.NotEqual(HttpStatusCode.Forbidden, hook.StatusCode);
        var slack = await client.PostAsync("/slack/commands", new StringContent("text=list"));
        Assert.NotEqual(HttpStatusCode.Forbidden, slack.StatusCode);
        Assert.DoesNotContain("ChatFlows:Access:ApiKey", await slack.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_ProgramWithoutIt_Gets401SayingHowToAuthenticate()
    {
        await using var host = new AccessHost(Key);
        using var client = host.Client();

        var response = await client.GetAsync("/api/workflows");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("Authorization: Bearer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_AsBearer_LetsAProgramIn_AndAWrongOneDoesNot()
    {
        await using var host = new AccessHost(Key);
        using var client = host.Client();

        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/workflows") { Headers = { { "Authorization", $"Bearer {Key}" } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(right)).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/workflows") { Headers = { { "Authorization", $"Bearer {Key}x" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task Key_BrowserPage_IsSentToSignInAndComesBackWithACookie()
    {
        await using var host = new AccessHost(Key);
        using var client = host.Client();

        using var page = new HttpRequestMessage(HttpMethod.Get, "/playground?x=1") { Headers = { { "Accept", "text/html" } } };
        var redirect = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fplayground%3Fx%3D1", redirect.Headers.Location!.OriginalString);

        var signInPage = await client.GetAsync(redirect.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, signInPage.StatusCode);
        Assert.Contains("value=\"/playground?x=1\"", WebUtility.HtmlDecode(await signInPage.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var wrong = await SignInAsync(client, "not-the-key-at-all-really", "/playground?x=1");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not this host's API key", WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        var signedIn = await SignInAsync(client, Key, "/playground?x=1");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/playground?x=1", signedIn.Headers.Location!.OriginalString);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/api/workflows") { Headers = { { "Cookie", cookie.Split(';')[0] } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(withCookie)).StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/workflows") { Headers = { { "Cookie", $"{cookie.Split(';')[0]}x" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task SignIn_ReturnUrlElsewhere_LandsOnTheDashboardInstead()
    {
        await using var host = new AccessHost(Key);
        using var client = host.Client();

        var response = await SignInAsync(client, Key, "//evil.example/steal");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_WithoutAKeyConfigured_SaysWhatToSet()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client();

        var response = await SignInAsync(client, "anything-typed-into-the-form", "/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("ChatFlows:Access:ApiKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShortKey_StopsTheHostNamingTheSetting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = new AccessHost("short");
        });

        var validation = failure as OptionsValidationException ?? failure.InnerException as OptionsValidationException ?? throw failure;
        Assert.Contains("ChatFlows:Access:ApiKey must be at least 16 characters", validation.Message, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string key, string returnUrl) => SignInForm.SubmitAsync(client, key, returnUrl);
}
