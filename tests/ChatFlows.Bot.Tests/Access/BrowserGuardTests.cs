using System.Net;
using System.Text;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Access;

/// <summary>
/// README §Security: a web page the operator opens is not a trusted caller, even on loopback without an API key.
/// Every request here comes from this machine, as a browser on it would send it.
/// </summary>
public sealed class BrowserGuardTests
{
    private const string EvilOrigin = "http://evil.example";

    [Fact]
    public async Task CrossSiteForm_TextPlainWorkflow_IsRefusedAndNothingIsCreated()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client(remote: null);

        // What <form enctype="text/plain" action="http://localhost:5080/api/workflows"> on another site sends.
        using var attack = CrossSite(HttpMethod.Post, "/api/workflows", TestWorkflows.Echo("forged-form"), "text/plain");
        var response = await client.SendAsync(attack);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        Assert.Contains("evil.example", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/workflows/forged-form")).StatusCode);
    }

    [Fact]
    public async Task CrossSiteScript_JsonCreateStartAndApprove_AreRefused()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client(remote: null);
        using (var created = await client.PostAsync("/api/workflows", HostFixture.Json(TestWorkflows.Echo("mine")))) Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        foreach (var (path, body) in new[]
        {
            ("/api/workflows", TestWorkflows.Echo("forged-json")),
            ("/api/workflows/mine/runs", "{}"),
            ("/api/runs/any-run/decisions", """{"decision": "approve", "by": "playground:ada"}"""),
            ("/api/runs/any-run/approvals/ok/delegate", """{"to": "playground:mallory"}"""),
            ("/api/runs/any-run/approvals/ok/reassign", """{"approvers": ["playground:mallory"]}"""),
            ("/playground/api/channels", """{"name": "forged"}"""),
        })
        {
            using var byOrigin = CrossSite(HttpMethod.Post, path, body, "application/json", secFetchSite: null);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(byOrigin)).StatusCode);
            using var bySecFetchSite = CrossSite(HttpMethod.Post, path, body, "application/json", origin: null);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(bySecFetchSite)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/workflows/forged-json")).StatusCode);
        var runs = JsonElement.Parse(await client.GetStringAsync("/api/runs?workflow=mine"));
        Assert.Equal(0, runs.GetProperty("items").GetArrayLength());
        using var delete = CrossSite(HttpMethod.Delete, "/api/workflows/mine", body: null, contentType: null);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(delete)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/workflows/mine")).StatusCode);
    }

    [Fact]
    public async Task SameOriginPage_JsonPost_IsServed()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client(remote: null);
        var own = host.BaseAddress.GetLeftPart(UriPartial.Authority);

        using var request = CrossSite(HttpMethod.Post, "/api/workflows", TestWorkflows.Echo("from-the-canvas"), "application/json", origin: own, secFetchSite: "same-origin");
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task JsonApi_OtherContentType_Gets415NamingJson()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client(remote: null);

        foreach (var (path, type) in new[] { ("/api/workflows", "text/plain"), ("/api/secrets/TOKEN", "application/x-www-form-urlencoded"), ("/playground/api/channels", "multipart/form-data; boundary=x") })
        {
            using var request = new HttpRequestMessage(path.StartsWith("/api/secrets", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post, path)
            {
                Content = new StringContent("""{"value": "x", "name": "x"}""", Encoding.UTF8),
            };
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            var problem = await HostFixture.ReadProblemAsync(response);
            Assert.Contains("Content-Type: application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        var secrets = JsonElement.Parse(await client.GetStringAsync("/api/secrets"));
        Assert.DoesNotContain("TOKEN", secrets.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForeignHostName_DnsRebinding_Gets400NamingTheSettingsAndNoData()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client(remote: null);
        using (var created = await client.PostAsync("/api/workflows", HostFixture.Json(TestWorkflows.Echo("private-flow")))) Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // A page at rebind.evil.example whose name now points at 127.0.0.1 reads the answer as its own origin's.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/workflows");
        request.Headers.Host = $"rebind.evil.example:{host.BaseAddress.Port}";
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("ChatFlows:PublicBaseUrl", text, StringComparison.Ordinal);
        Assert.Contains("ChatFlows:Access:AllowedHosts", text, StringComparison.Ordinal);
        Assert.DoesNotContain("private-flow", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task PublicBaseUrlAndAllowedHosts_TheirNamesAreServed()
    {
        await using var host = new AccessHost(apiKey: null, new Dictionary<string, string>
        {
            ["ChatFlows:PublicBaseUrl"] = "https://flows.example.com",
            ["ChatFlows:Access:AllowedHosts:0"] = "flows.internal.example",
        });
        using var client = host.Client(remote: null);

        foreach (var name in new[] { "flows.example.com", "FLOWS.internal.example:8443", "localhost:5080", "[::1]:9" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/workflows");
            request.Headers.Host = name;
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task ProxyOnThisMachine_UnparsableForwardedFor_IsNotThisMachine()
    {
        await using var host = new AccessHost(apiKey: null);
        using var client = host.Client(remote: null);

        foreach (var forwarded in new[] { "not-an-address", "198.51.100.20, garbage", "unknown" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/workflows");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwarded);
            var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("ChatFlows:Access:ApiKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static HttpRequestMessage CrossSite(
        HttpMethod method, string path, string? body, string? contentType, string? origin = EvilOrigin, string? secFetchSite = "cross-site")
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        if (origin is not null) request.Headers.TryAddWithoutValidation("Origin", origin);
        if (secFetchSite is not null) request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", secFetchSite);
        return request;
    }
}
