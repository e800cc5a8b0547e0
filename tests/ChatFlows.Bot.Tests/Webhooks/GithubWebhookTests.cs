using System.Net;
using System.Text;
using System.Text.Json;
using ChatFlows.Bot.Webhooks;

namespace ChatFlows.Bot.Tests.Webhooks;

/// <summary>
/// GitHub's webhook deliveries over real HTTP (README §GitHub webhooks): X-Hub-Signature-256, the event filter, ping,
/// one run per delivery and workflow, and <c>POST /hooks/github</c> feeding several workflows.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class GithubWebhookTests(HostFixture host)
{
    // docs.github.com, "Validating webhook deliveries": the published example of a secret, a payload and its signature.
    private const string GitHubsSecret = "It's a Secret to Everybody";
    private const string GitHubsPayload = "Hello, World!";
    private const string GitHubsSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private const string Opened = """{"action": "opened", "issue": {"number": 7, "title": "Login button does nothing"}, "repository": {"full_name": "octo-org/website"}}""";

    internal static string GithubHook(string id, string secret, string events = "[\"issues\"]") => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "gh", "type": "trigger", "config": {"kind": "webhook", "provider": "github", "secret": "__SECRET__", "events": __EVENTS__}},
            {"id": "seen", "type": "output", "config": {"kind": "end", "value": "{{ trigger.event }} {{ trigger.action }} #{{ trigger.issue.number }}"}}
          ],
          "edges": [{"from": "gh", "to": "seen"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__SECRET__", secret, StringComparison.Ordinal).Replace("__EVENTS__", events, StringComparison.Ordinal);

    [Fact]
    public void Sign_GitHubsPublishedExample_GivesGitHubsSignature()
    {
        var body = Encoding.UTF8.GetBytes(GitHubsPayload);

        Assert.Equal(GitHubsSignature, GithubDeliveries.Sign(GitHubsSecret, body));
        Assert.True(WebhookSignature.IsValid(GitHubsSecret, body, GitHubsSignature));
        Assert.False(WebhookSignature.IsValid(GitHubsSecret, Encoding.UTF8.GetBytes("Hello, World?"), GitHubsSignature));
    }

    [Fact]
    public async Task Post_GitHubsPublishedExample_PassesTheSignatureCheckAndOnlyTheBodyIsRefused()
    {
        await host.CreateWorkflowAsync(GithubHook("gh-vector", GitHubsSecret));

        using var signed = await DeliverAsync("/hooks/gh-vector", GitHubsPayload, GitHubsSignature, "issues", "d-vector");
        using var tampered = await DeliverAsync("/hooks/gh-vector", "Hello, World?", GitHubsSignature, "issues", "d-vector");

        // "Hello, World!" is not a JSON object, so the signed delivery gets past the signature only to be refused as a body.
        Assert.Equal(HttpStatusCode.BadRequest, signed.StatusCode);
        Assert.Contains("JSON", (await HostFixture.ReadProblemAsync(signed)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
    }

    [Fact]
    public async Task Post_SignedIssuesDelivery_RunsWithGitHubsBodyPlusEventAndDelivery()
    {
        await host.CreateWorkflowAsync(GithubHook("gh-plain", "plain-gh-secret"));

        using var response = await DeliverAsync("/hooks/gh-plain", Opened, Sign("plain-gh-secret", Opened), "issues", "72d3162e-cc78-11e3-81ab-4c9367dc0958");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!;
        var run = await host.WaitForRunAsync(runId);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("github", run.GetProperty("startedBy").GetString());
        var trigger = run.GetProperty("trigger");
        Assert.Equal("issues", trigger.GetProperty("event").GetString());
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958", trigger.GetProperty("delivery").GetString());
        Assert.Equal("octo-org/website", trigger.GetProperty("repository").GetProperty("full_name").GetString());
        Assert.Equal("issues opened #7", run.GetProperty("result").GetString());
    }

    [Theory]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("")]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d")]
    public async Task Post_BadOrMissingSignature_Returns401LikeAnUnknownWorkflowAndStartsNothing(string signature)
    {
        // Each case of the theory finds the workflow there from the one before.
        using (var created = await host.SendAsync(HttpMethod.Post, "/api/workflows", GithubHook("gh-badsig", "badsig-secret")))
        {
            Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, created.StatusCode.ToString());
        }

        using var response = await DeliverAsync("/hooks/gh-badsig", Opened, signature, "issues", "d-badsig");
        using var unknown = await DeliverAsync("/hooks/gh-no-such-workflow", Opened, Sign("badsig-secret", Opened), "issues", "d-badsig");
        using var fanOut = await DeliverAsync("/hooks/github", Opened, signature, "issues", "d-badsig");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, fanOut.StatusCode);
        var problem = await HostFixture.ReadProblemAsync(response);
        Assert.Equal((await HostFixture.ReadProblemAsync(unknown)).GetProperty("detail").GetString(), problem.GetProperty("detail").GetString());
        Assert.Equal((await HostFixture.ReadProblemAsync(fanOut)).GetProperty("detail").GetString(), problem.GetProperty("detail").GetString());
        Assert.Equal(0, await CountRunsAsync("gh-badsig"));
    }

    [Fact]
    public async Task Post_EventTheTriggerDoesNotTake_Answers200AndStartsNothing()
    {
        await host.CreateWorkflowAsync(GithubHook("gh-filter", "filter-secret"));
        const string Push = """{"ref": "refs/heads/main"}""";

        using var response = await DeliverAsync("/hooks/gh-filter", Push, Sign("filter-secret", Push), "push", "d-push-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await HostFixture.ReadJsonAsync(response);
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("runId").ValueKind);
        Assert.Equal("Trigger 'gh' does not take push events (issues); nothing was started.", answer.GetProperty("message").GetString());
        Assert.Equal(0, await CountRunsAsync("gh-filter"));
    }

    [Fact]
    public async Task Post_Ping_AnswersPongWithoutARun()
    {
        await host.CreateWorkflowAsync(GithubHook("gh-ping", "ping-secret"));
        const string Ping = """{"zen": "Keep it logically awesome.", "hook_id": 1}""";

        using var direct = await DeliverAsync("/hooks/gh-ping", Ping, Sign("ping-secret", Ping), "ping", "d-ping-1");
        using var shared = await DeliverAsync("/hooks/github", Ping, Sign("ping-secret", Ping), "ping", "d-ping-2");

        Assert.Equal((HttpStatusCode.OK, "pong"), (direct.StatusCode, await direct.Content.ReadAsStringAsync()));
        Assert.Equal((HttpStatusCode.OK, "pong"), (shared.StatusCode, await shared.Content.ReadAsStringAsync()));
        Assert.Equal(0, await CountRunsAsync("gh-ping"));
    }

    [Fact]
    public async Task Post_SameDeliveryTwice_StartsOneRunAndAnswersTheRedeliveryWithIt()
    {
        await host.CreateWorkflowAsync(GithubHook("gh-dedupe", "dedupe-secret"));

        using var first = await DeliverAsync("/hooks/gh-dedupe", Opened, Sign("dedupe-secret", Opened), "issues", "d-dedupe");
        using var again = await DeliverAsync("/hooks/gh-dedupe", Opened, Sign("dedupe-secret", Opened), "issues", "d-dedupe");
        using var other = await DeliverAsync("/hooks/gh-dedupe", Opened, Sign("dedupe-secret", Opened), "issues", "d-dedupe-other");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.Accepted), (first.StatusCode, again.StatusCode, other.StatusCode));
        var runId = (await HostFixture.ReadJsonAsync(first)).GetProperty("runId").GetString();
        var redelivered = await HostFixture.ReadJsonAsync(again);
        Assert.Equal(runId, redelivered.GetProperty("runId").GetString());
        Assert.True(redelivered.GetProperty("duplicate").GetBoolean());
        Assert.Equal(2, await CountRunsAsync("gh-dedupe"));
    }

    [Fact]
    public async Task PostHooksGithub_OneDelivery_StartsEachWorkflowWhoseSecretAndEventsMatchOnce()
    {
        await host.CreateWorkflowAsync(GithubHook("gh-fan-a", "fan-secret"));
        await host.CreateWorkflowAsync(GithubHook("gh-fan-b", "fan-secret", events: "[\"*\"]"));
        await host.CreateWorkflowAsync(GithubHook("gh-fan-push", "fan-secret", events: "[\"push\"]"));
        await host.CreateWorkflowAsync(GithubHook("gh-fan-other", "another-secret"));

        using var response = await DeliverAsync("/hooks/github", Opened, Sign("fan-secret", Opened), "issues", "d-fan-1");
        using var again = await DeliverAsync("/hooks/github", Opened, Sign("fan-secret", Opened), "issues", "d-fan-1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await HostFixture.ReadJsonAsync(response);
        var runs = answer.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("workflowId").GetString()!, r => r.GetProperty("runId").GetString()!);
        Assert.Equal(["gh-fan-a", "gh-fan-b"], runs.Keys.Order());
        Assert.Equal(runs.Values.Order(), answer.GetProperty("runIds").EnumerateArray().Select(r => r.GetString()!).Order());
        foreach (var runId in runs.Values) Assert.Equal("succeeded", (await host.WaitForRunAsync(runId)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var redelivered = await HostFixture.ReadJsonAsync(again);
        Assert.All(redelivered.GetProperty("runs").EnumerateArray(), r => Assert.True(r.GetProperty("duplicate").GetBoolean()));
        Assert.Equal((1, 1, 0, 0), (await CountRunsAsync("gh-fan-a"), await CountRunsAsync("gh-fan-b"), await CountRunsAsync("gh-fan-push"), await CountRunsAsync("gh-fan-other")));
    }

    [Fact]
    public async Task Post_DeliveryWithoutItsHeaders_Returns400NamingTheHeader()
    {
        await host.CreateWorkflowAsync(GithubHook("gh-headers", "headers-secret"));

        using var noDelivery = await DeliverAsync("/hooks/gh-headers", Opened, Sign("headers-secret", Opened), "issues", delivery: null);
        using var noEvent = await DeliverAsync("/hooks/gh-headers", Opened, Sign("headers-secret", Opened), gitHubEvent: null, "d-headers");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (noDelivery.StatusCode, noEvent.StatusCode));
        Assert.Contains("X-GitHub-Delivery", (await HostFixture.ReadProblemAsync(noDelivery)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("X-GitHub-Event", (await HostFixture.ReadProblemAsync(noEvent)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountRunsAsync("gh-headers"));
    }

    [Fact]
    public async Task Post_FormEncodedDelivery_RunsWithThePayloadField()
    {
        await host.CreateWorkflowAsync(GithubHook("gh-form", "form-secret"));
        var form = "payload=" + Uri.EscapeDataString(Opened);

        using var response = await DeliverAsync("/hooks/gh-form", form, Sign("form-secret", form), "issues", "d-form", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await host.WaitForRunAsync((await HostFixture.ReadJsonAsync(response)).GetProperty("runId").GetString()!);
        Assert.Equal("issues opened #7", run.GetProperty("result").GetString());
    }

    [Fact]
    public async Task CreateWorkflow_BadGithubTrigger_Returns400NamingEachField()
    {
        const string Json = """
            {"id": "gh-invalid", "nodes": [
              {"id": "a", "type": "trigger", "config": {"kind": "webhook", "provider": "gitlab", "secret": "s"}},
              {"id": "b", "type": "trigger", "config": {"kind": "webhook", "provider": "github", "secret": "s", "timestamped": true, "events": ["Issues!"]}},
              {"id": "c", "type": "trigger", "config": {"kind": "webhook", "provider": "github", "secret": "s"}},
              {"id": "d", "type": "trigger", "config": {"kind": "webhook", "secret": "s", "events": ["issues"]}}],
             "edges": []}
            """;

        using var response = await host.SendAsync(HttpMethod.Post, "/api/workflows", Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var path in new[] { "nodes/a/config/provider", "nodes/b/config/timestamped", "nodes/b/config/events/0", "nodes/c/config/events", "nodes/d/config/events" })
        {
            Assert.Contains(path, text, StringComparison.Ordinal);
        }
    }

    internal static string Sign(string secret, string body) => GithubDeliveries.Sign(secret, Encoding.UTF8.GetBytes(body));

    internal static async Task<HttpResponseMessage> DeliverAsync(
        HttpClient client, string path, string body, string signature, string? gitHubEvent, string? delivery, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (signature.Length > 0) request.Headers.TryAddWithoutValidation(GithubDeliveries.SignatureHeader, signature);
        if (gitHubEvent is not null) request.Headers.TryAddWithoutValidation(GithubDeliveries.EventHeader, gitHubEvent);
        if (delivery is not null) request.Headers.TryAddWithoutValidation(GithubDeliveries.DeliveryHeader, delivery);
        request.Headers.TryAddWithoutValidation("User-Agent", "GitHub-Hookshot/5a4b3c2");
        return await client.SendAsync(request);
    }

    private Task<HttpResponseMessage> DeliverAsync(string path, string body, string signature, string? gitHubEvent, string? delivery, string contentType = "application/json") =>
        DeliverAsync(host.Client, path, body, signature, gitHubEvent, delivery, contentType);

    private async Task<int> CountRunsAsync(string workflowId) =>
        (await host.GetJsonAsync($"/api/runs?workflow={workflowId}")).GetProperty("items").GetArrayLength();
}
