using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.SignIn;

/// <summary>
/// Sign-in with a real OpenID Connect provider on loopback (<see cref="TestIdentityProvider"/>): browsers are sent to
/// it and come back as the person, who decides as themselves; programs use the API key, which acts as its configured
/// identity; nobody else gets in, loopback included.
/// </summary>
public sealed class SignInTests(SignInFixture signIn, ChromiumFixture chromium) : IClassFixture<SignInFixture>, IClassFixture<ChromiumFixture>
{
    private static string Approval(string id, string approvers) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "ok", "type": "approval", "config": {"prompt": "Ship it?", "approvers": __APPROVERS__}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "shipped"}}
          ],
          "edges": [{"from": "play", "to": "ok"}, {"from": "ok", "port": "approved", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__APPROVERS__", approvers, StringComparison.Ordinal);

    [Fact]
    public async Task RunPage_SignedInWithTheProvider_ApprovesAsThatPerson()
    {
        using var key = signIn.Host.KeyClient();
        var runId = await WaitingRunAsync(key, "signin-approve", """["email:ana@corp.example"]""");
        await using var browser = await chromium.NewPageAsync(signIn.Host.BaseAddress);
        var page = browser.Page;

        // Not signed in: the page sends the browser to the provider, which sends it back signed in.
        await page.GotoAsync($"/runs/{runId}");
        Assert.StartsWith(signIn.Provider.Authority.ToString(), page.Url, StringComparison.Ordinal);
        await page.GetByTestId("provider-signin").ClickAsync();
        await browser.WaitUntilCanvasReadyAsync();
        Assert.Equal(new Uri(signIn.Host.BaseAddress, $"/runs/{runId}"), new Uri(page.Url));

        await Expect(page.GetByTestId("approval-as")).ToHaveTextAsync("Ana Example");
        await page.GetByTestId("approval-comment").FillAsync("checked the canary");
        await page.GetByTestId("approval-approve").ClickAsync();

        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        await Expect(page.GetByTestId("run-data")).ToContainTextAsync("email:ana@corp.example");
        var decided = (await GetRunAsync(key, runId)).GetProperty("data").GetProperty("ok");
        Assert.Equal("email:ana@corp.example", decided.GetProperty("by").GetString());
        Assert.Equal("checked the canary", decided.GetProperty("comment").GetString());
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Playground_SignedIn_SpeaksAsThePersonWithoutAskingForAName()
    {
        await using var browser = await chromium.NewPageAsync(signIn.Host.BaseAddress);
        var page = browser.Page;

        await page.GotoAsync("/playground");
        await page.GetByTestId("provider-signin").ClickAsync();
        await browser.WaitUntilReadyAsync();

        await Expect(page.GetByTestId("me-name")).ToHaveTextAsync("Ana Example");
        await Expect(page.GetByTestId("name-picker")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("name-change")).ToBeHiddenAsync();
        var me = await page.EvaluateAsync<JsonElement>("async () => (await fetch('/playground/api/me')).json()");
        Assert.Equal("email:ana@corp.example", me.GetProperty("id").GetString());
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Api_WithoutSignInOrKey_LoopbackIsRefused()
    {
        // With sign-in configured there is no local user: a loopback program without the key is refused, and a
        // loopback browser is sent to the provider.
        using var api = await signIn.Host.Client.GetAsync("/api/workflows");
        using var page = new HttpRequestMessage(HttpMethod.Get, "/runs");
        page.Headers.Accept.ParseAdd("text/html");
        using var redirected = await signIn.Host.Client.SendAsync(page);

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.StartsWith(new Uri(signIn.Provider.Authority, "connect/authorize").ToString(), redirected.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("client_id=" + TestIdentityProvider.ClientId, redirected.Headers.Location!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_WithTheApiKey_DecidesAsTheKeysIdentityWhateverTheBodySays()
    {
        using var key = signIn.Host.KeyClient();
        var theirs = await WaitingRunAsync(key, "signin-key-refused", """["email:ana@corp.example"]""");
        var ours = await WaitingRunAsync(key, "signin-key-allowed", """["email:CI-Bot@corp.example"]""");

        using var refused = await DecideAsync(key, theirs, """{"decision": "approve", "by": "email:ana@corp.example"}""");
        using var accepted = await DecideAsync(key, ours, """{"decision": "approve", "by": "email:ana@corp.example"}""");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only email:ana@corp.example may decide", (await HostFixture.ReadProblemAsync(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var run = await WaitForRunAsync(key, ours, "succeeded");
        Assert.Equal(SignInHost.ApiKeyUser, run.GetProperty("data").GetProperty("ok").GetProperty("by").GetString());
        Assert.Equal("waiting", (await GetRunAsync(key, theirs)).GetProperty("status").GetString());
    }

    private static async Task<string> WaitingRunAsync(HttpClient client, string id, string approvers)
    {
        using (var created = await client.PostAsync("/api/workflows", HostFixture.Json(Approval(id, approvers))))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }
        using var started = await client.PostAsync($"/api/workflows/{id}/runs", HostFixture.Json("{}"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await HostFixture.ReadJsonAsync(started)).GetProperty("runId").GetString()!;
        await WaitForRunAsync(client, runId, "waiting");
        return runId;
    }

    private static Task<HttpResponseMessage> DecideAsync(HttpClient client, string runId, string body) =>
        client.PostAsync($"/api/runs/{runId}/decisions", HostFixture.Json(body));

    private static async Task<JsonElement> GetRunAsync(HttpClient client, string runId)
    {
        using var response = await client.GetAsync($"/api/runs/{runId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await HostFixture.ReadJsonAsync(response);
    }

    private static async Task<JsonElement> WaitForRunAsync(HttpClient client, string runId, string status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await GetRunAsync(client, runId);
            if (run.GetProperty("status").GetString() == status) return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Run {runId} is {run.GetProperty("status").GetString()}, not {status}.");
            await Task.Delay(50);
        }
    }
}
